package dev.shortr.visit;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Port to where click counters live. Increments are applied atomically per call. */
public interface ClickStore {
    /** Adds every tally in one transaction. Durable on return. */
    void add(ClickTallies tallies);

    /** {@link #add(ClickTallies)}, from objects: handy where batches are small. */
    default void add(Collection<ClickTally> tallies) {
        add(ClickTallies.of(tallies));
    }

    /**
     * Adds every tally in one transaction, once per {@code key}: a batch sent again with the same key (an edge
     * retrying after a lost answer) changes nothing and returns false. The key is recorded in the same transaction
     * as the counts, so a crash leaves both or neither.
     */
    default boolean addOnce(String key, ClickTallies tallies) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take click batches from edges");
    }

    /** All-time clicks of a link. */
    long total(long linkId);

    /** All-time clicks of many links at once (absent ids have 0). */
    Map<Long, Long> totals(Collection<Long> linkIds);

    /** Per-day clicks in [from, to], days without clicks omitted, oldest first. */
    List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to);
}
