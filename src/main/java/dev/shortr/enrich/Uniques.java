package dev.shortr.enrich;

import com.dynatrace.hash4j.distinctcount.HyperLogLog;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An approximate count of distinct visitors, fed with {@link VisitorHash} values (which must be uniformly
 * distributed 64-bit hashes). Up to {@value #EXACT_LIMIT} distinct hashes are kept exactly, in a sorted array,
 * so a link with a handful of visitors reports exactly that; past it the set becomes a HyperLogLog of
 * precision {@value #PRECISION} (24 KiB, about 0.57% standard error, so 2% is 3.5 standard errors). Sketches of
 * precision {@value #OLD_PRECISION} (12 KiB, 0.8%), stored before, are still read, and merging one with a newer
 * sketch gives a sketch of the lower precision. Not thread-safe.
 *
 * <p>{@link #toBytes} is one kind byte then the payload: {@code 0x01} and the sorted hashes as big-endian
 * longs, or {@code 0x02} and the HyperLogLog's registers.
 */
public final class Uniques {
    static final int EXACT_LIMIT = 256;
    static final int PRECISION = 15;
    static final int OLD_PRECISION = 14;
    private static final byte EXACT = 0x01;
    private static final byte SKETCH = 0x02;
    private static final int SKETCH_BYTES = HyperLogLog.create(PRECISION).getState().length;
    private static final int OLD_SKETCH_BYTES = HyperLogLog.create(OLD_PRECISION).getState().length;

    /** The exact hashes, sorted, in {@code exact[0..size)}; null once {@link #sketch} took over. */
    private long[] exact = new long[8];
    private int size;
    private HyperLogLog sketch;

    public Uniques() {
    }

    public void add(long hash) {
        if (sketch != null) {
            sketch.add(hash);
            return;
        }
        int at = Arrays.binarySearch(exact, 0, size, hash);
        if (at >= 0) {
            return;
        }
        if (size == EXACT_LIMIT) {
            toSketch().add(hash);
            return;
        }
        int insert = -at - 1;
        if (size == exact.length) {
            exact = Arrays.copyOf(exact, Math.min(EXACT_LIMIT, size * 2));
        }
        System.arraycopy(exact, insert, exact, insert + 1, size - insert);
        exact[insert] = hash;
        size++;
    }

    /** Adds every visitor counted by {@code other}, which is left as it was. */
    public void merge(Uniques other) {
        if (other.sketch == null) {
            for (int i = 0; i < other.size; i++) {
                add(other.exact[i]);
            }
        } else {
            if (sketch == null) {
                toSketch();
            }
            if (sketch.getP() > other.sketch.getP()) {
                sketch = sketch.downsize(other.sketch.getP()); // an older, coarser sketch: the union is as coarse
            }
            sketch.add(other.sketch);
        }
    }

    /** Exact up to {@value #EXACT_LIMIT} distinct hashes, then the HyperLogLog estimate. */
    public long estimate() {
        return sketch == null ? size : Math.round(sketch.getDistinctCountEstimate());
    }

    public byte[] toBytes() {
        if (sketch != null) {
            byte[] state = sketch.getState();
            return ByteBuffer.allocate(1 + state.length).put(SKETCH).put(state).array();
        }
        ByteBuffer out = ByteBuffer.allocate(1 + size * Long.BYTES).put(EXACT);
        for (int i = 0; i < size; i++) {
            out.putLong(exact[i]);
        }
        return out.array();
    }

    /** Reads what {@link #toBytes} wrote; an {@link IllegalArgumentException} when {@code bytes} could not have been. */
    public static Uniques fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("uniques: no bytes");
        }
        return switch (bytes[0]) {
            case EXACT -> exactFrom(bytes);
            case SKETCH -> sketchFrom(bytes);
            default -> throw new IllegalArgumentException("uniques: unknown kind byte 0x%02x (length %d)".formatted(bytes[0], bytes.length));
        };
    }

    private static Uniques exactFrom(byte[] bytes) {
        int count = (bytes.length - 1) / Long.BYTES;
        if ((bytes.length - 1) % Long.BYTES != 0 || count > EXACT_LIMIT) {
            throw new IllegalArgumentException("uniques: an exact set of %d bytes is not 1 + 8n with n <= %d"
                    .formatted(bytes.length, EXACT_LIMIT));
        }
        Uniques u = new Uniques();
        u.exact = new long[Math.max(8, count)];
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        for (int i = 0; i < count; i++) {
            u.exact[i] = in.getLong();
            // toBytes writes strictly ascending hashes; anything else is corruption, and would break binarySearch
            if (i > 0 && u.exact[i] <= u.exact[i - 1]) {
                throw new IllegalArgumentException("uniques: exact hashes out of order at index " + i);
            }
        }
        u.size = count;
        return u;
    }

    private static Uniques sketchFrom(byte[] bytes) {
        if (bytes.length != 1 + SKETCH_BYTES && bytes.length != 1 + OLD_SKETCH_BYTES) {
            throw new IllegalArgumentException("uniques: a sketch of %d bytes, expected %d (or %d, precision %d)"
                    .formatted(bytes.length, 1 + SKETCH_BYTES, 1 + OLD_SKETCH_BYTES, OLD_PRECISION));
        }
        Uniques u = new Uniques();
        u.sketch = HyperLogLog.wrap(Arrays.copyOfRange(bytes, 1, bytes.length));
        u.exact = null;
        return u;
    }

    /** Moves the exact hashes into a new sketch, which replaces them. */
    private HyperLogLog toSketch() {
        sketch = HyperLogLog.create(PRECISION);
        for (int i = 0; i < size; i++) {
            sketch.add(exact[i]);
        }
        exact = null;
        size = 0;
        return sketch;
    }
}
