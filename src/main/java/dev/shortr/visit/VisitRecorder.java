package dev.shortr.visit;

/**
 * What the aggregator does with each click beyond counting it: enrichment and the per-dimension counters,
 * uniques and raw visits of analytics. Both methods run on the aggregator thread and must not block; the
 * returned {@link Batch} is written on the flush thread.
 */
public interface VisitRecorder {
    /** Takes one click (HEAD requests included, flagged); never blocks. */
    void record(Click click);

    /**
     * Reads, without changing anything, the table slots {@link #record} will update for the first {@code n}
     * clicks. The aggregator calls it for a whole drained batch before recording any of it, so the memory
     * fetches of many clicks overlap instead of stalling one at a time (the tables are tens of megabytes with
     * many active links). Only a hint: if it throws (on a click it cannot key), the aggregator records the
     * batch anyway.
     */
    default void prefetch(Click[] clicks, int n) {}

    /**
     * Hands over what is due since the last call, or null when there is nothing; {@code everything} (at
     * shutdown) hands over all of it, counters not yet due included.
     */
    Batch drain(boolean everything);

    /** True when recorded work is due for writing even though no click came since the last flush. */
    default boolean due(long nowMs) {
        return false;
    }

    /** A durable write of one drained batch; {@link #write} may be retried after it throws. */
    interface Batch {
        void write();

        /** Clicks (HEADs included) in the batch, for logs. */
        long events();
    }

    VisitRecorder NONE = new VisitRecorder() {
        @Override
        public void record(Click click) {}

        @Override
        public Batch drain(boolean everything) {
            return null;
        }
    };
}
