package dev.shortr.store.sqlite;

import dev.shortr.visit.TallyMap;
import java.util.Arrays;

/**
 * The {@code data} of a click_log row. One kind byte, then:
 * <ul>
 *   <li>{@code TALLIES}: the count, then per tally the link id minus the previous one, the day minus the
 *       previous one (zigzag) and the clicks (zigzag), all varints. Tallies are sorted by (link, day), so
 *       with a batch spread over a million links and one day a tally takes about three bytes.</li>
 *   <li>{@code FORGET}: a link id (varint): the link was deleted, so earlier rows' counts of it no longer
 *       count.</li>
 * </ul>
 * Replaying the rows of a log in id order into one {@link TallyMap} gives exactly the counts they add up to.
 */
final class TallyBlob {
    static final byte TALLIES = 1;
    static final byte FORGET = 2;
    private static final int MAX_TALLY_BYTES = 3 * 10;

    private TallyBlob() {}

    /** {@code keys} ascending and distinct, {@code counts} alongside. */
    static byte[] tallies(long[] keys, long[] counts) {
        byte[] out = new byte[1 + 5 + keys.length * 3];
        int p = 0;
        out[p++] = TALLIES;
        p = putVarint(out, p, keys.length);
        long link = 0;
        long day = 0;
        for (int i = 0; i < keys.length; i++) {
            if (p + MAX_TALLY_BYTES > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, p + MAX_TALLY_BYTES));
            }
            long l = TallyMap.linkOf(keys[i]);
            long d = TallyMap.dayOf(keys[i]);
            p = putVarint(out, p, l - link);
            p = putVarint(out, p, zigzag(d - day));
            p = putVarint(out, p, zigzag(counts[i]));
            link = l;
            day = d;
        }
        return Arrays.copyOf(out, p);
    }

    static byte[] forget(long linkId) {
        byte[] out = new byte[1 + 10];
        out[0] = FORGET;
        return Arrays.copyOf(out, putVarint(out, 1, linkId));
    }

    /** Applies one row to {@code into}: adds its tallies, or zeroes the forgotten link. */
    static void replay(byte[] data, TallyMap into) {
        Reader in = new Reader(data);
        byte kind = data.length > 0 ? data[in.p++] : 0;
        switch (kind) {
            case TALLIES -> {
                long n = in.varint();
                long link = 0;
                long day = 0;
                for (long i = 0; i < n; i++) {
                    link += in.varint();
                    day += unzigzag(in.varint());
                    into.add(TallyMap.key(link, day), unzigzag(in.varint()));
                }
            }
            case FORGET -> into.forget(in.varint());
            default -> throw new IllegalArgumentException("click_log: unknown row kind " + kind + " (" + data.length + " bytes)");
        }
        if (in.p != data.length) {
            throw new IllegalArgumentException("click_log: " + (data.length - in.p) + " stray bytes after a row of kind " + kind);
        }
    }

    private static int putVarint(byte[] out, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            out[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[p++] = (byte) v;
        return p;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static final class Reader {
        final byte[] data;
        int p;

        Reader(byte[] data) {
            this.data = data;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (p >= data.length) {
                    throw new IllegalArgumentException("click_log: row cut short at byte " + p);
                }
                byte b = data[p++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("click_log: varint longer than 10 bytes at byte " + p);
        }
    }
}
