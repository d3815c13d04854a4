package dev.shortr.analytics;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One row of stored analytics as it is kept, for copying a store ({@link AnalyticsStore#exportRows},
 * {@link AnalyticsStore#restore}). Each kind has a key (the fields before the counts); restoring a row replaces
 * the row with its key. {@link #canonical} is a stable text form, for comparing two stores.
 */
public sealed interface AnalyticsRow {
    /** Same text for the same row in any store. */
    String canonical();

    /** One link's counts of one UTC epoch hour. */
    record Hour(long linkId, long hour, long clicks, long bots, long heads) implements AnalyticsRow {
        public String canonical() {
            return "hour " + linkId + " " + hour + " " + clicks + " " + bots + " " + heads;
        }
    }

    /** One link's clicks (bots among them) on one UTC epoch day with one value of a dimension. */
    record DimValue(long linkId, long day, Dim dim, String value, long clicks, long bots) implements AnalyticsRow {
        public String canonical() {
            return "dim " + linkId + " " + day + " " + dim.code + " " + clicks + " " + bots + " " + value;
        }
    }

    /** One salted visitor hash of a link-day still counted one by one ({@code linkId} 0: the instance). */
    record Visitor(long linkId, long day, long hash) implements AnalyticsRow {
        public String canonical() {
            return "visitor " + linkId + " " + day + " " + hash;
        }
    }

    /** The unique-visitor sketch of a link-day ({@code linkId} 0: the instance). */
    record Sketch(long linkId, long day, byte[] sketch) implements AnalyticsRow {
        public String canonical() {
            return "sketch " + linkId + " " + day + " " + HexFormat.of().formatHex(sketch);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sketch s && s.linkId == linkId && s.day == day && Arrays.equals(s.sketch, sketch);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(linkId) * 31 + Long.hashCode(day) * 17 + Arrays.hashCode(sketch);
        }
    }

    /** The visitor-hash salt of a UTC epoch day. */
    record Salt(long day, byte[] salt) implements AnalyticsRow {
        public String canonical() {
            return "salt " + day + " " + HexFormat.of().formatHex(salt);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Salt s && s.day == day && Arrays.equals(s.salt, salt);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(day) * 31 + Arrays.hashCode(salt);
        }
    }

    /** One chunk of the raw visit log, as stored ({@link VisitChunk}), under its id. */
    record Chunk(long id, long firstMs, long lastMs, int visits, byte[] data) implements AnalyticsRow {
        public String canonical() {
            return "chunk " + id + " " + firstMs + " " + lastMs + " " + visits + " " + HexFormat.of().formatHex(data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Chunk c && c.id == id && c.firstMs == firstMs && c.lastMs == lastMs && c.visits == visits
                    && Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id) * 31 + Arrays.hashCode(data);
        }
    }
}
