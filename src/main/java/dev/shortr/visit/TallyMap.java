package dev.shortr.visit;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Click counts by (link, UTC day), the pair packed into one long {@link #key}, in a flat open-addressing
 * table (linear probing, at most 3/4 full): 16 bytes a slot and no object per entry. It also remembers
 * which days occur, so "every day of link X" costs one probe per day (one or two days in practice) rather
 * than a scan. Entries are never removed, only zeroed ({@link #forget}), or all dropped at once ({@link #clear}).
 * Being flat arrays, a map holds no references: a big one costs a garbage collector nothing to scan, which is
 * why the aggregator keeps its pending clicks in one. Not thread-safe.
 */
public final class TallyMap {
    public static final int DAY_BITS = 22; // epoch days up to year 13,453
    public static final long DAY_MASK = (1L << DAY_BITS) - 1;
    public static final long MAX_LINK_ID = Long.MAX_VALUE >>> DAY_BITS;
    /** Probing a day at a time beats a full scan until a map spans this many distinct days. */
    private static final int MAX_PROBED_DAYS = 64;
    private static final int MIN_SLOTS = 64;
    private static final long FREE = -1; // keys are never negative

    private static final int PREFETCH_BLOCK = 64;
    /** Sum of what {@link #addAll} prefetched, kept so the compiler cannot drop the loads. */
    private long touched;
    private final int plannedSlots;
    private long[] table; // key at 2i, count at 2i + 1
    private int slots;
    private int size;
    private final BitSet days = new BitSet();
    private int dayCount;

    /** A map that grows without rehashing beyond what {@code plannedEntries} need, then doubles if pushed. */
    public TallyMap(int plannedEntries) {
        this.plannedSlots = Math.max(MIN_SLOTS, (int) Math.min(1 << 30, plannedEntries * 4L / 3 + 1));
        allocate(Math.min(plannedSlots, 1024));
    }

    public static long key(long linkId, long epochDay) {
        if (linkId < 0 || linkId > MAX_LINK_ID || epochDay < 0 || epochDay > DAY_MASK) {
            throw new IllegalArgumentException("click tally out of range: link " + linkId + ", epoch day " + epochDay
                    + " (links 0.." + MAX_LINK_ID + ", days 1970-01-01 plus 0.." + DAY_MASK + ")");
        }
        return (linkId << DAY_BITS) | epochDay;
    }

    public static long linkOf(long key) {
        return key >>> DAY_BITS;
    }

    public static long dayOf(long key) {
        return key & DAY_MASK;
    }

    public int size() {
        return size;
    }

    public void add(long key, long count) {
        if (count == 0) {
            return;
        }
        int i = slotOf(key);
        if (table[2 * i] == key) {
            table[2 * i + 1] += count;
            return;
        }
        if ((size + 1) * 4L > slots * 3L) {
            grow();
            i = slotOf(key);
        }
        table[2 * i] = key;
        table[2 * i + 1] = count;
        size++;
        int day = (int) dayOf(key);
        if (!days.get(day)) {
            days.set(day);
            dayCount++;
        }
    }

    /**
     * Adds every pair. The keys go in blocks whose slots are all read first, so their cache misses overlap:
     * the click log folds ~100k keys a flush into a map of tens of megabytes on the SQLite writer's thread.
     */
    public void addAll(long[] keys, long[] counts) {
        for (int from = 0; from < keys.length; from += PREFETCH_BLOCK) {
            int to = Math.min(keys.length, from + PREFETCH_BLOCK);
            long sum = 0;
            for (int i = from; i < to; i++) {
                sum += touch(keys[i]);
            }
            touched += sum;
            for (int i = from; i < to; i++) {
                add(keys[i], counts[i]);
            }
        }
    }

    /**
     * Loads the slot where {@code key} would start its probe and returns what is there, so that a later
     * {@link #add} of it finds the line in cache (see {@link VisitRecorder#prefetch}). Changes nothing.
     */
    public long touch(long key) {
        return table[2 * home(key)];
    }

    /** The count of {@code key}, 0 when absent. */
    public long get(long key) {
        int i = slotOf(key);
        return table[2 * i] == key ? table[2 * i + 1] : 0;
    }

    /** All-days total of one link. */
    public long total(long linkId) {
        if (linkId < 0 || linkId > MAX_LINK_ID) {
            return 0; // could not have been added; shifted, it would alias another link's key
        }
        long sum = 0;
        if (dayCount <= MAX_PROBED_DAYS) {
            for (int d = days.nextSetBit(0); d >= 0; d = days.nextSetBit(d + 1)) {
                sum += get((linkId << DAY_BITS) | d);
            }
            return sum;
        }
        for (int i = 0; i < slots; i++) {
            long k = table[2 * i];
            if (k != FREE && linkOf(k) == linkId) {
                sum += table[2 * i + 1];
            }
        }
        return sum;
    }

    @FunctionalInterface
    public interface DaySink {
        void accept(long epochDay, long clicks);
    }

    /** Non-zero counts of one link for each day in [fromDay, toDay], oldest first. */
    public void daily(long linkId, long fromDay, long toDay, DaySink sink) {
        if (fromDay > toDay || toDay < 0 || fromDay > DAY_MASK || linkId < 0 || linkId > MAX_LINK_ID) {
            return;
        }
        for (int d = days.nextSetBit((int) Math.max(0, fromDay)); d >= 0 && d <= toDay; d = days.nextSetBit(d + 1)) {
            long n = get((linkId << DAY_BITS) | d);
            if (n != 0) {
                sink.accept(d, n);
            }
        }
    }

    /** Zeroes every count of one link (the link was deleted). */
    public void forget(long linkId) {
        if (linkId < 0 || linkId > MAX_LINK_ID) {
            return;
        }
        if (dayCount <= MAX_PROBED_DAYS) {
            for (int d = days.nextSetBit(0); d >= 0; d = days.nextSetBit(d + 1)) {
                int i = slotOf((linkId << DAY_BITS) | d);
                if (table[2 * i] != FREE) {
                    table[2 * i + 1] = 0;
                }
            }
            return;
        }
        for (int i = 0; i < slots; i++) {
            long k = table[2 * i];
            if (k != FREE && linkOf(k) == linkId) {
                table[2 * i + 1] = 0;
            }
        }
    }

    /** Every key, ascending: by link, then day, which is also click_days' primary key order. */
    public long[] sortedKeys() {
        return sortedKeys(null);
    }

    /**
     * Every key, ascending, in the first {@link #size()} places of {@code reuse} when it is long enough (else of
     * a new array, which the caller may keep for next time): a writer sorting a million keys a minute need not
     * leave eight megabytes of garbage behind each time.
     */
    public long[] sortedKeys(long[] reuse) {
        long[] keys = reuse != null && reuse.length >= size ? reuse : new long[size];
        int n = 0;
        for (int i = 0; i < slots; i++) {
            if (table[2 * i] != FREE) {
                keys[n++] = table[2 * i];
            }
        }
        Arrays.sort(keys, 0, n);
        return keys;
    }

    /**
     * Sorts the entries by key where they are, for a map that is only read through {@link #forEach} (in key
     * order) until it is {@link #clear}ed: {@link #get}, {@link #add} and the rest no longer find anything.
     * Sorting again is harmless. What a writer does with a batch it owns, instead of copying a million keys.
     */
    public void sortInPlace() {
        int n = 0;
        for (int i = 0; i < slots; i++) {
            if (table[2 * i] != FREE) {
                table[2 * n] = table[2 * i];
                table[2 * n + 1] = table[2 * i + 1];
                n++;
            }
        }
        Arrays.fill(table, 2 * n, table.length, FREE);
        sortPairs(table, 0, n - 1);
    }

    /** Quicksort of the (key, count) pairs lo..hi by key; insertion sort for short runs. */
    private static void sortPairs(long[] t, int lo, int hi) {
        while (hi - lo > 16) {
            long pivot = median(t[2 * lo], t[2 * ((lo + hi) >>> 1)], t[2 * hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (t[2 * i] < pivot) {
                    i++;
                }
                while (t[2 * j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long k = t[2 * i];
                    long c = t[2 * i + 1];
                    t[2 * i] = t[2 * j];
                    t[2 * i + 1] = t[2 * j + 1];
                    t[2 * j] = k;
                    t[2 * j + 1] = c;
                    i++;
                    j--;
                }
            }
            if (j - lo < hi - i) { // the smaller side first: the stack stays logarithmic
                sortPairs(t, lo, j);
                lo = i;
            } else {
                sortPairs(t, i, hi);
                hi = j;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            long k = t[2 * i];
            long c = t[2 * i + 1];
            int j = i - 1;
            while (j >= lo && t[2 * j] > k) {
                t[2 * j + 2] = t[2 * j];
                t[2 * j + 3] = t[2 * j + 1];
                j--;
            }
            t[2 * j + 2] = k;
            t[2 * j + 3] = c;
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    @FunctionalInterface
    public interface EntrySink {
        void accept(long key, long count);
    }

    /** Every entry, in table order. */
    public void forEach(EntrySink sink) {
        for (int i = 0; i < slots; i++) {
            long k = table[2 * i];
            if (k != FREE) {
                sink.accept(k, table[2 * i + 1]);
            }
        }
    }

    /** Drops every entry, keeping the table's size, so a map reused for each batch stops allocating. */
    public void clear() {
        if (size > 0) {
            Arrays.fill(table, FREE);
            size = 0;
        }
        days.clear();
        dayCount = 0;
    }

    /** The entries as key-ordered arrays, which stay valid after the map changes. */
    public ClickTallies snapshot() {
        long[] keys = sortedKeys();
        long[] counts = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            counts[i] = get(keys[i]);
        }
        return new ClickTallies(keys, counts);
    }

    /** The slot holding {@code key}, or the free slot where it would go. */
    private int home(long key) {
        long h = (key * 0x9E3779B97F4A7C15L) >>> 32;
        return (int) ((h * slots) >>> 32);
    }

    private int slotOf(long key) {
        // Fibonacci hashing: the high half of the product mixes in every bit of the key, including the link
        // bits above the near-constant day; multiply-shift then maps it onto any table size
        int i = home(key);
        while (true) {
            long k = table[2 * i];
            if (k == key || k == FREE) {
                return i;
            }
            if (++i == slots) {
                i = 0;
            }
        }
    }

    private void grow() {
        long[] old = table;
        int oldSlots = slots;
        allocate(slots < plannedSlots ? Math.min(plannedSlots, slots * 2) : Math.multiplyExact(slots, 2));
        for (int i = 0; i < oldSlots; i++) {
            long k = old[2 * i];
            if (k != FREE) {
                int j = slotOf(k);
                table[2 * j] = k;
                table[2 * j + 1] = old[2 * i + 1];
            }
        }
    }

    private void allocate(int n) {
        table = new long[Math.multiplyExact(n, 2)];
        Arrays.fill(table, FREE);
        slots = n;
    }
}
