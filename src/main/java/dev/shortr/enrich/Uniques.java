package dev.shortr.enrich;

import com.dynatrace.hash4j.distinctcount.HyperLogLog;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Approximate distinct visitors. Up to {@link #EXACT_MAX} visitor hashes are kept exactly (most links see
 * few visitors a day, and a sketch would cost 12 KB each); beyond that a HyperLogLog (hash4j, precision
 * 14: about 0.8 % standard error) takes over. Not thread-safe.
 */
public final class Uniques {
    static final int EXACT_MAX = 256;
    private static final int PRECISION = 14;
    private static final byte EXACT = 1;
    private static final byte SKETCH = 2;

    private long[] exact = new long[8];
    private int size;
    private HyperLogLog hll;

    public void add(long hash) {
        if (hll != null) {
            hll.add(hash);
            return;
        }
        for (int i = 0; i < size; i++) {
            if (exact[i] == hash) {
                return;
            }
        }
        if (size == EXACT_MAX) {
            toSketch();
            hll.add(hash);
            return;
        }
        if (size == exact.length) {
            exact = Arrays.copyOf(exact, exact.length * 2);
        }
        exact[size++] = hash;
    }

    private void toSketch() {
        hll = HyperLogLog.create(PRECISION);
        for (int i = 0; i < size; i++) {
            hll.add(exact[i]);
        }
        exact = null;
        size = 0;
    }

    public void merge(Uniques other) {
        if (other.hll == null) {
            for (int i = 0; i < other.size; i++) {
                add(other.exact[i]);
            }
            return;
        }
        if (hll == null) {
            toSketch();
        }
        hll.add(other.hll);
    }

    public long estimate() {
        return hll == null ? size : Math.round(hll.getDistinctCountEstimate());
    }

    public byte[] toBytes() {
        if (hll == null) {
            ByteBuffer b = ByteBuffer.allocate(1 + 4 + 8 * size).put(EXACT).putInt(size);
            for (int i = 0; i < size; i++) {
                b.putLong(exact[i]);
            }
            return b.array();
        }
        byte[] state = hll.getState();
        return ByteBuffer.allocate(1 + state.length).put(SKETCH).put(state).array();
    }

    public static Uniques fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 1) {
            throw new IllegalArgumentException("empty unique-visitor sketch");
        }
        Uniques u = new Uniques();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte kind = b.get();
        if (kind == EXACT && bytes.length >= 5) {
            int n = b.getInt();
            if (n < 0 || n > EXACT_MAX || bytes.length != 5 + 8 * n) {
                throw new IllegalArgumentException("corrupt unique-visitor set");
            }
            for (int i = 0; i < n; i++) {
                u.add(b.getLong());
            }
            return u;
        }
        if (kind == SKETCH) {
            try {
                u.hll = HyperLogLog.wrap(Arrays.copyOfRange(bytes, 1, bytes.length));
                u.exact = null;
                return u;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("corrupt unique-visitor sketch: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("unknown unique-visitor encoding " + kind);
    }
}
