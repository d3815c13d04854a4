package dev.shortr.analytics;

import dev.shortr.visit.TallyMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;

/**
 * Port to where analytics live. A {@code scope} is a set of link ids, or null for the whole instance. Hours
 * are UTC epoch hours, days UTC epoch days; ranges are half-open {@code [from, to)}.
 */
public interface AnalyticsStore {
    /** Link id under which instance-wide uniques are kept (no link has id 0). */
    long INSTANCE = 0;

    /** Adds one flush's counters and sketches and appends its visits, in one transaction. Durable on return. */
    void write(Batch batch, BinaryOperator<byte[]> mergeSketches);

    /**
     * One flush's worth: hourly counters (null for none) keyed {@code TallyMap.key(linkId * 4 + kind, hour)} with kind
     * 0 clicks, 1 bots, 2 HEADs; dimension counters as {@link DimCounts}; unique-visitor sketches by {@link DayKey}
     * (merged into what is stored with the given operator); and encoded visit chunks, a row each.
     */
    record Batch(TallyMap hours, DimCounts dims, Visitors visitors, Map<DayKey, byte[]> sketches, List<VisitChunk> visits) {}

    /**
     * A batch's dimension counters, as (link, day, dimension, value, clicks, bots) additions: a value may come
     * more than once for one link-day, and the store adds them up.
     */
    @FunctionalInterface
    interface DimCounts {
        DimCounts NONE = sink -> {};

        void forEach(DimSink sink);
    }

    @FunctionalInterface
    interface DimSink {
        void accept(long linkId, long day, Dim dim, String value, long clicks, long bots);
    }

    /** New visitors of link-days that still count them one by one: {@code keys[i]} is {@code TallyMap.key(linkId, day)}. */
    record Visitors(long[] keys, long[] hashes) {
        public static final Visitors NONE = new Visitors(new long[0], new long[0]);
    }

    /** What a link-day's uniques are made of: visitor hashes kept one by one, a sketch (null if none), or both. */
    @FunctionalInterface
    interface VisitorSink {
        void accept(long linkId, long day, long[] hashes, byte[] sketch);
    }

    record DayKey(long linkId, long day) {}

    /** Per-hour counts of the scope, summed over its links, hours without clicks omitted, oldest first. */
    List<Map.Entry<Long, Counts>> hours(Collection<Long> scope, long fromHour, long toHour);

    /** The {@code limit} values of {@code dim} with the most clicks in the range, most first. */
    List<Map.Entry<String, Counts>> top(Collection<Long> scope, Dim dim, long fromDay, long toDay, int limit);

    /** The stored visitors of each of the scope's link-days in the range (the instance's when scope is null). */
    void visitors(Collection<Long> scope, long fromDay, long toDay, VisitorSink sink);

    /** Visits of the scope in {@code [fromMs, toMs)}, oldest first, streamed: nothing is held in memory. */
    void visits(Collection<Long> scope, long fromMs, long toMs, Consumer<Visit> sink);

    /** Deletes visit chunks that end before {@code beforeMs}; returns the visits deleted. */
    long purgeVisits(long beforeMs);

    /** The unique-visitor salt of a UTC day, creating (and keeping) a random one on first use. */
    byte[] salt(long day, java.util.function.Supplier<byte[]> fresh);

    /** Deletes the salts of the days before {@code day}: their visitors can no longer be re-hashed. */
    void forgetSalts(long day);

    // Copying a whole store (shortr migrate). Every adapter implements these.

    /**
     * Migration: every hour, dimension, visitor and sketch row of the links with ids in
     * {@code (afterLinkId, lastLinkId]}, in no particular order. The range that holds {@link #INSTANCE} (0) also
     * brings the instance's visitors and sketches, and every visitor salt. Visit chunks are apart: {@link #chunksAfter}.
     */
    default void exportRows(long afterLinkId, long lastLinkId, Consumer<AnalyticsRow> sink) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied");
    }

    /** Migration: the visit chunks with ids above {@code afterId}, by id, at most {@code limit}. */
    default List<AnalyticsRow.Chunk> chunksAfter(long afterId, int limit) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied");
    }

    /** Migration: the highest visit chunk id stored, 0 when none. */
    default long lastChunkId() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied");
    }

    /**
     * Migration: stores {@code rows} exactly as given, in one transaction, each replacing the stored row with its
     * key (a chunk keeps its id; later chunks get higher ones), so restoring a batch twice restores it once.
     */
    default void restore(List<? extends AnalyticsRow> rows) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied");
    }
}
