package dev.shortr.analytics;

import java.util.Arrays;

/**
 * Clicks and bot clicks by (link-day, profile), where a profile is a few interned ids packed into one long
 * (which User-Agent class and referrer host, or which location): one flat open-addressing table of four longs
 * a slot and no object per entry. A click adds to two entries here instead of a counter object for each of
 * eight dimensions; the dimension counters are expanded from it when a batch is written. Not thread-safe.
 */
final class DimTally {
    private static final long FREE = -1; // link-day keys are never negative
    private static final int WIDTH = 4; // key, profile, clicks, bots
    private long[] table;
    private int slots;
    private int size;

    DimTally(int plannedEntries) {
        allocate(Integer.highestOneBit(Math.max(16, plannedEntries * 4 / 3) - 1) << 1);
    }

    void add(long key, long profile, boolean bot) {
        int i = slotOf(key, profile);
        if (table[i] == FREE) {
            if ((size + 1) * 4L > slots * 3L) {
                grow();
                i = slotOf(key, profile);
            }
            table[i] = key;
            table[i + 1] = profile;
            size++;
        }
        table[i + 2]++;
        if (bot) {
            table[i + 3]++;
        }
    }

    int size() {
        return size;
    }

    @FunctionalInterface
    interface EntrySink {
        void accept(long key, long profile, long clicks, long bots);
    }

    void forEach(EntrySink sink) {
        for (int i = 0; i < table.length; i += WIDTH) {
            if (table[i] != FREE) {
                sink.accept(table[i], table[i + 1], table[i + 2], table[i + 3]);
            }
        }
    }

    /**
     * The entries as rows of four longs (key, profile, clicks, bots), ordered by key and then profile: written
     * in that order, a link-day's counters go to the store together and its B-tree is filled front to back.
     */
    /**
     * Sorts the entries by key and then profile where they are, for a tally that is only read through
     * {@link #forEach} (in that order) until it is {@link #clear}ed; {@link #add} no longer works on it. Sorting
     * again is harmless, so a batch whose write failed can be written again.
     */
    void sortInPlace() {
        int n = 0;
        for (int i = 0; i < table.length; i += WIDTH) {
            if (table[i] != FREE) {
                if (i != n) {
                    System.arraycopy(table, i, table, n, WIDTH);
                }
                n += WIDTH;
            }
        }
        for (int i = n; i < table.length; i += WIDTH) {
            table[i] = FREE;
            table[i + 1] = 0;
            table[i + 2] = 0;
            table[i + 3] = 0;
        }
        Rows.sort(table, WIDTH, n / WIDTH);
    }

    /** Drops every entry, keeping the table, so a tally reused for each batch stops allocating. */
    void clear() {
        if (size > 0) {
            Arrays.fill(table, 0);
            for (int i = 0; i < table.length; i += WIDTH) {
                table[i] = FREE;
            }
            size = 0;
        }
    }

    /** The index of the slot holding (key, profile), or of the free slot where it would go. */
    private int slotOf(long key, long profile) {
        long h = (key * 0x9E3779B97F4A7C15L) ^ (profile * 0xC2B2AE3D27D4EB4FL);
        int s = (int) ((h ^ (h >>> 29)) * 0x9E3779B97F4A7C15L >>> 33) & (slots - 1);
        while (true) {
            int i = s * WIDTH;
            long k = table[i];
            if (k == FREE || (k == key && table[i + 1] == profile)) {
                return i;
            }
            s = (s + 1) & (slots - 1);
        }
    }

    private void grow() {
        long[] old = table;
        allocate(slots * 2);
        for (int i = 0; i < old.length; i += WIDTH) {
            if (old[i] != FREE) {
                int j = slotOf(old[i], old[i + 1]);
                System.arraycopy(old, i, table, j, WIDTH);
            }
        }
    }

    private void allocate(int n) {
        table = new long[n * WIDTH];
        for (int i = 0; i < table.length; i += WIDTH) {
            table[i] = FREE;
        }
        slots = n;
    }
}
