package dev.shortr.redirect;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The redirect cache when it holds every link: packed codes ({@link CodeKey#pack}, every random code and most
 * aliases) in a flat open-addressing table of their longs and entries, the rare longer codes in a plain
 * concurrent map. A lookup reads the key's long from one array and the entry from another: no key object,
 * no map node, one memory access fewer per hit among millions, and about 60 bytes a link less than a
 * {@code ConcurrentHashMap} (a million links: some 60 MB).
 *
 * <p>Reads take no lock. Writes are serialised on the table's monitor; a new entry's value is published
 * before its key (release), and readers read the key, then the value (acquire), so a reader that finds a key
 * finds its value or, once removed, null. A removed key stays as a tombstone until the table is rebuilt,
 * which happens when keys and tombstones fill three quarters of it; a reader still on the old table sees
 * the state of a moment before, as with any concurrent map read that overlaps a write.
 */
final class CodeTable implements EntryCache {
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final long EMPTY = 0; // packed codes are never 0

    private static final class Table {
        final long[] keys;
        final Entry[] values;
        final int mask;

        Table(int slots) {
            keys = new long[slots];
            values = new Entry[slots];
            mask = slots - 1;
        }
    }

    private volatile Table table;
    private int live; // keys with a value; under the monitor
    private int used; // keys, with a value or not; under the monitor
    private final ConcurrentHashMap<String, Entry> unpacked = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<CodeKey, CompletableFuture<Entry>> loading = new ConcurrentHashMap<>();
    /** Counts removals: a load that saw it move while it ran does not keep what it loaded. */
    private final AtomicLong removals = new AtomicLong();

    CodeTable(int expected) {
        table = new Table(slotsFor(Math.max(16, expected)));
    }

    /** Room for {@code n} keys at most 70 % full, as a power of two. */
    private static int slotsFor(long n) {
        long need = n * 10 / 7 + 1;
        if (need > 1 << 30) {
            throw new IllegalArgumentException("too many codes for one table: " + n);
        }
        return Integer.highestOneBit((int) need - 1) << 1;
    }

    private static int slot(long packed, int mask) {
        long h = packed * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @Override
    public Entry getIfPresent(CodeKey key) {
        return key.packed != 0 ? get(key.packed) : unpacked.get(key.text);
    }

    /** The entry of a packed code, or null. */
    Entry get(long packed) {
        Table t = table;
        for (int i = slot(packed, t.mask); ; i = (i + 1) & t.mask) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == packed) {
                return (Entry) VALUES.getAcquire(t.values, i);
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    @Override
    public Entry get(CodeKey key, Function<CodeKey, Entry> loader) {
        Entry e = getIfPresent(key);
        if (e != null) {
            return e;
        }
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> theirs = loading.putIfAbsent(key, mine);
        if (theirs != null) {
            try {
                return theirs.join();
            } catch (CompletionException ex) {
                throw ex.getCause() instanceof RuntimeException r ? r : ex;
            }
        }
        try {
            long before = removals.get();
            e = getIfPresent(key);
            if (e == null) {
                e = loader.apply(key);
                if (e != null) {
                    e = keep(key, e, before);
                }
            }
            mine.complete(e);
            return e;
        } catch (RuntimeException | Error ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            loading.remove(key, mine);
        }
    }

    /** Puts a loaded entry unless a removal happened since the load began (it may be stale) or one is there. */
    private synchronized Entry keep(CodeKey key, Entry loaded, long removalsBefore) {
        if (removals.get() != removalsBefore) {
            return loaded; // served once, not kept: the next request loads afresh
        }
        Entry there = getIfPresent(key);
        if (there != null) {
            return there;
        }
        put(key, loaded);
        return loaded;
    }

    @Override
    public synchronized void putIfAbsent(CodeKey key, Entry entry) {
        if (getIfPresent(key) == null) {
            put(key, entry);
        }
    }

    /** Under the monitor. */
    private void put(CodeKey key, Entry entry) {
        if (key.packed == 0) {
            unpacked.put(key.text, entry);
            return;
        }
        Table t = table;
        int i = slot(key.packed, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key.packed) {
                if (t.values[i] == null) {
                    live++;
                }
                VALUES.setRelease(t.values, i, entry);
                return;
            }
            if (k == EMPTY) {
                break;
            }
            i = (i + 1) & t.mask;
        }
        if ((used + 1) * 4L > (t.mask + 1) * 3L) {
            rebuild(live + 1);
            put(key, entry);
            return;
        }
        VALUES.setRelease(t.values, i, entry);
        KEYS.setRelease(t.keys, i, key.packed); // after the value: a reader that sees the key sees the value
        live++;
        used++;
    }

    /**
     * A table without tombstones, published whole; under the monitor. It keeps its size when the live keys
     * fit it (the tombstones of swept unknown codes were what filled it), and doubles only when they do not.
     */
    private void rebuild(int keep) {
        Table old = table;
        Table t = new Table(Math.max(old.mask + 1, slotsFor(Math.max(16, keep))));
        int n = 0;
        for (int i = 0; i <= old.mask; i++) {
            Entry v = old.values[i];
            if (old.keys[i] != EMPTY && v != null) {
                int j = slot(old.keys[i], t.mask);
                while (t.keys[j] != EMPTY) {
                    j = (j + 1) & t.mask;
                }
                t.keys[j] = old.keys[i];
                t.values[j] = v;
                n++;
            }
        }
        table = t; // volatile: publishes the arrays filled above
        live = n;
        used = n;
    }

    @Override
    public synchronized Entry remove(CodeKey key) {
        removals.incrementAndGet();
        if (key.packed == 0) {
            return unpacked.remove(key.text);
        }
        Table t = table;
        for (int i = slot(key.packed, t.mask); ; i = (i + 1) & t.mask) {
            long k = t.keys[i];
            if (k == key.packed) {
                Entry old = t.values[i];
                if (old != null) {
                    VALUES.setRelease(t.values, i, null);
                    live--;
                }
                return old;
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    @Override
    public synchronized void remove(CodeKey key, Entry expected) {
        if (getIfPresent(key) == expected) {
            remove(key);
        }
    }

    @Override
    public synchronized void removeIf(Predicate<Entry> filter) {
        Table t = table;
        for (int i = 0; i <= t.mask; i++) {
            Entry v = t.values[i];
            if (v != null && filter.test(v)) {
                VALUES.setRelease(t.values, i, null);
                live--;
            }
        }
        unpacked.values().removeIf(filter);
        removals.incrementAndGet();
    }

    @Override
    public long size() {
        synchronized (this) {
            return live + unpacked.size();
        }
    }
}
