package dev.shortr.analytics;

import java.util.Arrays;

/**
 * A set of (key, hash) pairs of non-negative keys, in one flat open-addressing table: 16 bytes a slot and no
 * object per entry, so a million pending visitor hashes cost the garbage collector nothing to scan. Not
 * thread-safe.
 */
final class PairSet {
    private static final long FREE = -1;
    private long[] table;
    private int slots;
    private int size;

    PairSet(int initialSlots) {
        allocate(Math.max(16, Integer.highestOneBit(Math.max(16, initialSlots) - 1) << 1));
    }

    /** Adds the pair; true when it was not there. */
    boolean add(long key, long hash) {
        if ((size + 1) * 4L > slots * 3L) {
            grow();
        }
        int i = slotOf(key, hash);
        if (table[2 * i] != FREE) {
            return false;
        }
        table[2 * i] = key;
        table[2 * i + 1] = hash;
        size++;
        return true;
    }

    boolean contains(long key, long hash) {
        int i = slotOf(key, hash);
        return table[2 * i] != FREE;
    }

    int size() {
        return size;
    }

    void clear() {
        if (size > 0) {
            Arrays.fill(table, FREE);
            size = 0;
        }
    }

    @FunctionalInterface
    interface PairSink {
        void accept(long key, long hash);
    }

    void forEach(PairSink sink) {
        for (int i = 0; i < slots; i++) {
            if (table[2 * i] != FREE) {
                sink.accept(table[2 * i], table[2 * i + 1]);
            }
        }
    }

    private int slotOf(long key, long hash) {
        int i = (int) (((key * 0x9E3779B97F4A7C15L) ^ hash) * 0xC2B2AE3D27D4EB4FL >>> 33) & (slots - 1);
        while (true) {
            long k = table[2 * i];
            if (k == FREE || (k == key && table[2 * i + 1] == hash)) {
                return i;
            }
            i = (i + 1) & (slots - 1);
        }
    }

    private void grow() {
        long[] old = table;
        int oldSlots = slots;
        allocate(slots * 2);
        for (int i = 0; i < oldSlots; i++) {
            if (old[2 * i] != FREE) {
                int j = slotOf(old[2 * i], old[2 * i + 1]);
                table[2 * j] = old[2 * i];
                table[2 * j + 1] = old[2 * i + 1];
            }
        }
    }

    private void allocate(int n) {
        table = new long[2 * n];
        Arrays.fill(table, FREE);
        slots = n;
    }
}
