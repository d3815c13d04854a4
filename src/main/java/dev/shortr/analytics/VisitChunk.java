package dev.shortr.analytics;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Visits of one flush, encoded as one blob: a string table (every distinct text appears once; a flush of
 * clicks on one link from one country repeats the same dozen strings) and then, per visit, its link, time
 * and indexes into that table. The log appends one chunk per flush instead of one row per visit, which is
 * what lets it keep up with the redirect rate.
 */
public final class VisitChunk {
    private static final int VERSION = 1;
    private static final int FIELDS = 10; // ip country region city referrerHost referrer browser os device bot

    private final byte[] data;
    private final int count;
    private final long firstMs;
    private final long lastMs;

    private VisitChunk(byte[] data, int count, long firstMs, long lastMs) {
        this.data = data;
        this.count = count;
        this.firstMs = firstMs;
        this.lastMs = lastMs;
    }

    public static VisitChunk of(byte[] data, int count, long firstMs, long lastMs) {
        return new VisitChunk(data, count, firstMs, lastMs);
    }

    public byte[] data() {
        return data;
    }

    public int count() {
        return count;
    }

    public long firstMs() {
        return firstMs;
    }

    public long lastMs() {
        return lastMs;
    }

    /**
     * Collects visits, then {@link #finish}es them into a chunk. Rows are kept as fixed-width runs of longs in
     * one growing array and strings once in a table, so adding a visit allocates nothing (the aggregator adds
     * one per click). {@link #reset} keeps the arrays for the next chunk. Not thread-safe.
     */
    public static final class Builder {
        private static final int WIDTH = 3 + FIELDS;
        private final Map<String, Integer> strings = new HashMap<>();
        private final List<String> table = new ArrayList<>();
        private long[] rows = new long[WIDTH * 1024];
        private int size;
        private long firstMs = Long.MAX_VALUE;
        private long lastMs = Long.MIN_VALUE;

        public void add(Visit v) {
            add(v.linkId(), v.atMs(), v.head(), v.tracked(), v.ip(), v.country(), v.region(), v.city(), v.referrerHost(),
                    v.referrer(), v.browser(), v.os(), v.device(), v.bot());
        }

        /** A visit given field by field, in {@link Visit}'s order. */
        public void add(long linkId, long atMs, boolean head, boolean tracked, String ip, String country, String region,
                        String city, String referrerHost, String referrer, String browser, String os, String device, String bot) {
            if ((size + 1) * WIDTH > rows.length) {
                rows = java.util.Arrays.copyOf(rows, rows.length * 2);
            }
            int at = size * WIDTH;
            rows[at] = linkId;
            rows[at + 1] = atMs;
            rows[at + 2] = (head ? 1 : 0) | (tracked ? 2 : 0);
            rows[at + 3] = index(ip);
            rows[at + 4] = index(country);
            rows[at + 5] = index(region);
            rows[at + 6] = index(city);
            rows[at + 7] = index(referrerHost);
            rows[at + 8] = index(referrer);
            rows[at + 9] = index(browser);
            rows[at + 10] = index(os);
            rows[at + 11] = index(device);
            rows[at + 12] = index(bot);
            size++;
            firstMs = Math.min(firstMs, atMs);
            lastMs = Math.max(lastMs, atMs);
        }

        private int index(String s) {
            if (s == null) {
                return 0;
            }
            Integer i = strings.get(s);
            if (i == null) {
                table.add(s);
                i = table.size();
                strings.put(s, i);
            }
            return i;
        }

        public int size() {
            return size;
        }

        public VisitChunk finish() {
            int bytes = 1 + 4 + 4 + size * (17 + 4 * FIELDS);
            for (String t : table) {
                bytes += 2 + utfLength(cut(t));
            }
            ArrayOut out = new ArrayOut(bytes); // the exact size: the chunk is written once, never copied
            try (DataOutputStream data = new DataOutputStream(out)) {
                data.writeByte(VERSION);
                data.writeInt(table.size());
                for (String t : table) {
                    data.writeUTF(cut(t));
                }
                data.writeInt(size);
                for (int r = 0; r < size; r++) {
                    int at = r * WIDTH;
                    data.writeLong(rows[at]);
                    data.writeLong(rows[at + 1]);
                    data.writeByte((int) rows[at + 2]);
                    for (int i = 0; i < FIELDS; i++) {
                        data.writeInt((int) rows[at + 3 + i]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new VisitChunk(out.array, size, size == 0 ? 0 : firstMs, size == 0 ? 0 : lastMs);
        }

        private static String cut(String s) {
            return s.length() > 16_000 ? s.substring(0, 16_000) : s;
        }

        /** The length of {@code s} in {@link DataOutputStream#writeUTF}'s modified UTF-8. */
        private static int utfLength(String s) {
            int n = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                n += c >= 1 && c <= 0x7f ? 1 : c <= 0x7ff ? 2 : 3;
            }
            return n;
        }

        /** Writes into one array of a known size. */
        private static final class ArrayOut extends java.io.OutputStream {
            final byte[] array;
            private int at;

            ArrayOut(int size) {
                array = new byte[size];
            }

            @Override
            public void write(int b) {
                array[at++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.arraycopy(b, off, array, at, len);
                at += len;
            }
        }

        /** Empties the builder for the next chunk, keeping its arrays. */
        public void reset() {
            strings.clear();
            table.clear();
            size = 0;
            firstMs = Long.MAX_VALUE;
            lastMs = Long.MIN_VALUE;
        }
    }

    /** Decodes {@code data} and hands each visit to {@code sink}, in the order they were added. */
    public static void read(byte[] data, Consumer<Visit> sink) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown visit chunk version " + version);
            }
            int n = in.readInt();
            String[] table = new String[n + 1];
            for (int i = 1; i <= n; i++) {
                table[i] = in.readUTF();
            }
            int rows = in.readInt();
            String[] f = new String[FIELDS];
            for (int r = 0; r < rows; r++) {
                long link = in.readLong();
                long at = in.readLong();
                int flags = in.readUnsignedByte();
                for (int i = 0; i < FIELDS; i++) {
                    f[i] = table[in.readInt()];
                }
                sink.accept(new Visit(link, at, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9],
                        (flags & 1) != 0, (flags & 2) != 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt visit chunk", e);
        }
    }
}
