package dev.shortr.analytics;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Visits of one flush, encoded as one blob: a string table (every distinct text appears once; a flush of
 * clicks on one link from one country repeats the same dozen strings) and then, per visit, its link, time
 * and indexes into that table. The log appends one chunk per flush instead of one row per visit, which is
 * what lets it keep up with the redirect rate.
 *
 * <p>Version 2 writes every number as a varint and each time as its offset from the chunk's first: about
 * 16 bytes a visit against version 1's fixed 57, which the SQLite writer copied into the WAL and again into
 * the database at 100k visits a second. Version 1 chunks are still read.
 */
public final class VisitChunk {
    private static final int VERSION_1 = 1;
    private static final int VERSION = 2;
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
        /** Per field, the last string indexed and its index: consecutive visits mostly repeat them. */
        private final String[] lastString = new String[FIELDS];
        private final int[] lastIndex = new int[FIELDS];
        /** The encoding scratch, kept between chunks; each chunk gets an exact-size copy. */
        private byte[] out = new byte[1 << 16];
        private int at;
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
            rows[at + 3] = index(0, ip);
            rows[at + 4] = index(1, country);
            rows[at + 5] = index(2, region);
            rows[at + 6] = index(3, city);
            rows[at + 7] = index(4, referrerHost);
            rows[at + 8] = index(5, referrer);
            rows[at + 9] = index(6, browser);
            rows[at + 10] = index(7, os);
            rows[at + 11] = index(8, device);
            rows[at + 12] = index(9, bot);
            size++;
            firstMs = Math.min(firstMs, atMs);
            lastMs = Math.max(lastMs, atMs);
        }

        private int index(int field, String s) {
            if (s == null) {
                return 0;
            }
            if (s == lastString[field]) {
                return lastIndex[field];
            }
            Integer i = strings.get(s);
            if (i == null) {
                table.add(s);
                i = table.size();
                strings.put(s, i);
            }
            lastString[field] = s;
            lastIndex[field] = i;
            return i;
        }

        public int size() {
            return size;
        }

        public VisitChunk finish() {
            long first = size == 0 ? 0 : firstMs;
            at = 0;
            put(VERSION);
            putVar(first);
            putVar(table.size());
            for (String t : table) {
                byte[] utf8 = cut(t).getBytes(StandardCharsets.UTF_8);
                putVar(utf8.length);
                room(utf8.length);
                System.arraycopy(utf8, 0, out, at, utf8.length);
                at += utf8.length;
            }
            putVar(size);
            for (int r = 0; r < size; r++) {
                int row = r * WIDTH;
                room(3 * 10 + FIELDS * 5);
                putVar(rows[row]);
                putVar(rows[row + 1] - first);
                put((int) rows[row + 2]);
                for (int i = 0; i < FIELDS; i++) {
                    putVar(rows[row + 3 + i]);
                }
            }
            return new VisitChunk(Arrays.copyOf(out, at), size, first, size == 0 ? 0 : lastMs);
        }

        private void room(int bytes) {
            if (at + bytes > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, at + bytes));
            }
        }

        private void put(int b) {
            room(1);
            out[at++] = (byte) b;
        }

        /** An unsigned LEB128 varint: 7 bits a byte, low first. Negative values take 10 bytes. */
        private void putVar(long v) {
            room(10);
            while ((v & ~0x7FL) != 0) {
                out[at++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out[at++] = (byte) v;
        }

        private static String cut(String s) {
            return s.length() > 16_000 ? s.substring(0, 16_000) : s;
        }

        /** Empties the builder for the next chunk, keeping its arrays. */
        public void reset() {
            Arrays.fill(lastString, null);
            strings.clear();
            table.clear();
            size = 0;
            firstMs = Long.MAX_VALUE;
            lastMs = Long.MIN_VALUE;
        }
    }

    /** Decodes {@code data} and hands each visit to {@code sink}, in the order they were added. */
    public static void read(byte[] data, Consumer<Visit> sink) {
        int version = data.length == 0 ? -1 : data[0] & 0xFF;
        if (version == VERSION_1) {
            readVersion1(data, sink);
            return;
        }
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown visit chunk version " + version);
        }
        In in = new In(data);
        long first = in.var();
        int n = in.count();
        String[] table = new String[n + 1];
        for (int i = 1; i <= n; i++) {
            table[i] = in.utf8(in.count());
        }
        int rows = in.count();
        String[] f = new String[FIELDS];
        for (int r = 0; r < rows; r++) {
            long link = in.var();
            long atMs = first + in.var();
            int flags = in.take() & 0xFF;
            for (int i = 0; i < FIELDS; i++) {
                long ix = in.var();
                if (ix < 0 || ix > n) {
                    throw new IllegalArgumentException("corrupt visit chunk: string " + ix + " of " + n);
                }
                f[i] = table[(int) ix];
            }
            sink.accept(visit(link, atMs, flags, f));
        }
    }

    private static Visit visit(long link, long atMs, int flags, String[] f) {
        return new Visit(link, atMs, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], (flags & 1) != 0,
                (flags & 2) != 0);
    }

    /** A version 2 chunk being read; any read past its end is a corrupt chunk. */
    private static final class In {
        private final byte[] data;
        private int at = 1;

        In(byte[] data) {
            this.data = data;
        }

        byte take() {
            if (at >= data.length) {
                throw new IllegalArgumentException("corrupt visit chunk: it ends at byte " + data.length);
            }
            return data[at++];
        }

        long var() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = take();
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("corrupt visit chunk: a number runs past 64 bits");
        }

        /** A count or a length, which the rest of the chunk must be able to hold. */
        int count() {
            long n = var();
            if (n < 0 || n > data.length - at) {
                throw new IllegalArgumentException("corrupt visit chunk: a count of " + n + " with " + (data.length - at)
                        + " bytes left");
            }
            return (int) n;
        }

        String utf8(int length) {
            String s = new String(data, at, length, StandardCharsets.UTF_8);
            at += length;
            return s;
        }
    }

    private static void readVersion1(byte[] data, Consumer<Visit> sink) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readUnsignedByte();
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
                sink.accept(visit(link, at, flags, f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt visit chunk", e);
        }
    }
}
