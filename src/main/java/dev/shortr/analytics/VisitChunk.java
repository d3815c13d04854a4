package dev.shortr.analytics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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

    /** Collects visits, then {@link #finish}es them into a chunk. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Integer> strings = new HashMap<>();
        private final List<String> table = new ArrayList<>();
        private final List<long[]> rows = new ArrayList<>();
        private long firstMs = Long.MAX_VALUE;
        private long lastMs = Long.MIN_VALUE;

        public void add(Visit v) {
            long[] row = new long[3 + FIELDS];
            row[0] = v.linkId();
            row[1] = v.atMs();
            row[2] = (v.head() ? 1 : 0) | (v.tracked() ? 2 : 0);
            String[] f = {v.ip(), v.country(), v.region(), v.city(), v.referrerHost(), v.referrer(), v.browser(), v.os(),
                    v.device(), v.bot()};
            for (int i = 0; i < FIELDS; i++) {
                row[3 + i] = f[i] == null ? 0 : strings.computeIfAbsent(f[i], s -> {
                    table.add(s);
                    return table.size();
                });
            }
            rows.add(row);
            firstMs = Math.min(firstMs, v.atMs());
            lastMs = Math.max(lastMs, v.atMs());
        }

        public int size() {
            return rows.size();
        }

        public VisitChunk finish() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + rows.size() * 16);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeInt(table.size());
                for (String s : table) {
                    out.writeUTF(s.length() > 16_000 ? s.substring(0, 16_000) : s);
                }
                out.writeInt(rows.size());
                for (long[] row : rows) {
                    out.writeLong(row[0]);
                    out.writeLong(row[1]);
                    out.writeByte((int) row[2]);
                    for (int i = 0; i < FIELDS; i++) {
                        out.writeInt((int) row[3 + i]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new VisitChunk(bytes.toByteArray(), rows.size(), rows.isEmpty() ? 0 : firstMs, rows.isEmpty() ? 0 : lastMs);
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
