package dev.shortr.analytics;

import java.util.Arrays;

/**
 * A fixed-size set of 64-bit fingerprints of (key, hash) pairs: 8 bytes a slot, allocated once, no object per
 * entry. Two different pairs share a fingerprint with a chance of about n / 2<sup>64</sup>, which for what
 * this remembers (visitors already written today) would skip one visitor in billions of days. It holds at
 * most {@code capacity} entries; {@link #add} reports when it is full, and the owner decides what to forget.
 * Not thread-safe.
 */
final class Fingerprints {
    private static final long FREE = 0; // fingerprints are never 0 (see fingerprint)
    private final long[] table;
    private final int mask;
    private final int capacity;
    private int size;

    /** Room for {@code capacity} entries at most half the table full. */
    Fingerprints(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(8, capacity) * 2 - 1) << 1;
        this.table = new long[slots];
        this.mask = slots - 1;
    }

    static long fingerprint(long key, long hash) {
        long h = hash ^ (key * 0x9E3779B97F4A7C15L);
        h ^= h >>> 33; // murmur3's finaliser
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h == FREE ? 1 : h;
    }

    boolean contains(long key, long hash) {
        long f = fingerprint(key, hash);
        return table[slotOf(f)] == f;
    }

    /** Loads the slot where the pair's probe starts, changing nothing (see {@code VisitRecorder.prefetch}). */
    long touch(long key, long hash) {
        long f = fingerprint(key, hash);
        return table[(int) (f >>> 32 ^ f) & mask];
    }

    /** Adds the pair; false when the set already holds {@code capacity} entries (nothing is added then). */
    boolean add(long key, long hash) {
        long f = fingerprint(key, hash);
        int i = slotOf(f);
        if (table[i] == f) {
            return true;
        }
        if (size >= capacity) {
            return false;
        }
        table[i] = f;
        size++;
        return true;
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

    private int slotOf(long f) {
        int i = (int) (f >>> 32 ^ f) & mask; // as in touch
        while (table[i] != FREE && table[i] != f) {
            i = (i + 1) & mask;
        }
        return i;
    }
}
