package dev.shortr.store.sqlite;

import dev.shortr.link.StoreException;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.TallyMap;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clicks not yet in click_days. Each {@link #add} appends one click_log row (a {@link TallyBlob}) and, once
 * that row has committed, adds its counts to an in-memory {@link TallyMap}; reads add those counts to
 * click_days. A compaction folds the map into click_days and deletes exactly the rows it came from, in one
 * transaction, so after a crash every count is in click_days or in a row that {@link #replay} (at open)
 * folds in again: never in both, never in neither. It runs when the map reaches {@code compactAt} entries,
 * every {@code every}, and on close.
 *
 * <p>Every change to the maps happens on the writer thread, in commit order, through the writer's
 * after-commit steps, so the log rows and the maps never disagree about which counts a compaction moved.
 */
final class ClickLog implements AutoCloseable {
    static final int COMPACT_AT = 1_000_000;
    /**
     * A compaction writes one row per pending link-day however many clicks it holds, so with a million links
     * clicked all the time it costs the same 1-1.5 s of the writer every time: every 5 minutes, not every
     * minute, is a fifth of that. The log it leaves to replay after a crash is what 5 minutes of flushes
     * append (about 3 bytes a link-day each), and memory stays bounded by {@link #COMPACT_AT}.
     */
    static final Duration COMPACT_EVERY = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(ClickLog.class);
    private static final String APPEND = "INSERT INTO click_log (at, data) VALUES (?, ?) RETURNING id";
    private static final String ROWS = "SELECT id, data FROM click_log ORDER BY id";
    private static final String MERGE = "INSERT INTO click_days (link_id, day, clicks) VALUES (?, ?, ?) "
            + "ON CONFLICT (link_id, day) DO UPDATE SET clicks = clicks + excluded.clicks";
    private static final String TRIM = "DELETE FROM click_log WHERE id <= ?";
    private static final String ONCE = "INSERT OR IGNORE INTO click_batches (key, at) VALUES (?, ?)";
    /** Rows per executeBatch: the driver holds a batch's parameters as objects until it runs. */
    private static final int MERGE_BATCH = 8192;
    private static final long RETRY_MS = 1_000;

    private final Writer writer;
    private final int compactAt;
    private final long everyMs;
    /** Held for writing across a compaction's COMMIT; reads validate against it (see {@link #consistent}). */
    private final StampedLock commits = new StampedLock();
    private final ReentrantLock oneAtATime = new ReentrantLock();
    private final Semaphore wake = new Semaphore(0);
    private final Thread compactor;
    private volatile Pending pending;
    private long compactedThrough; // writer thread only
    /**
     * The map of the last compacted window, emptied, for the next window (writer thread only): a fresh map
     * per compaction was tens of megabytes of old-generation garbage a minute with a million active links.
     */
    private TallyMap spare;
    /** The compaction's sorted keys, reused (writer thread only). */
    private long[] sortScratch;
    /** click_days' day column of the last day written: a compaction writes the same one or two days a million times. */
    private long lastDay = -1;
    private String lastDayText;

    private String dayText(long epochDay) {
        if (epochDay != lastDay) {
            lastDayText = LocalDate.ofEpochDay(epochDay).toString();
            lastDay = epochDay;
        }
        return lastDayText;
    }
    private volatile boolean closed;
    private volatile boolean failing;

    /**
     * A map and the highest click_log id whose counts are in it: rows up to {@code through} (and after the
     * previous window's) are exactly the map's counts. Maps are read under their monitor.
     */
    private static final class Window {
        final TallyMap counts;
        long through; // writer thread only

        Window(TallyMap counts, long through) {
            this.counts = counts;
            this.through = through;
        }
    }

    /** What reads add to click_days, swapped as one: {@code compacting} is non-null while a compaction runs. */
    private record Pending(Window active, Window compacting) {}

    ClickLog(Writer writer, int compactAt, Duration every) {
        this.writer = writer;
        this.compactAt = compactAt;
        this.everyMs = every.toMillis();
        this.pending = new Pending(new Window(new TallyMap(plannedEntries()), 0), null);
        this.compactor = Thread.ofPlatform().name("sqlite-click-compactor").daemon(true).unstarted(this::run);
    }

    /** Folds in the rows a crash left behind, so click_days is whole before the first read. */
    void replay() {
        writer.submit("replay the click log", s -> {
            Window w = new Window(new TallyMap(plannedEntries()), 0);
            try (ResultSet rs = s.prepare(ROWS).executeQuery()) {
                while (rs.next()) {
                    TallyBlob.replay(rs.getBytes(2), w.counts);
                    w.through = rs.getLong(1);
                }
            }
            return w;
        }, w -> pending = new Pending(w, null));
        compact();
    }

    ClickLog start() {
        compactor.start();
        return this;
    }

    /** Appends the tallies as one row; their counts are readable once this returns. */
    void add(ClickTallies tallies) {
        if (tallies.size() == 0) {
            return;
        }
        long[] keys = tallies.keys();
        long[] counts = tallies.counts();
        byte[] data = TallyBlob.tallies(keys, counts); // before the writer: its thread is the one to spare
        if (failing) {
            // bounded memory while compactions fail (disk full, I/O errors): the aggregator keeps its tallies
            // and retries, its queue fills, and new clicks are dropped and counted
            int waiting = pendingTallies();
            if (waiting >= 2L * compactAt) {
                throw new StoreException("sqlite: add " + tallies.size() + " click tallies: " + waiting
                        + " tallies already wait for compaction, and the last compaction failed (compactAt=" + compactAt
                        + ")", null);
            }
        }
        writer.submit("add " + tallies.size() + " click tallies", s -> append(s, data), id -> merged(keys, counts, id));
    }

    /** {@link #add}, unless a batch with {@code key} was added before; the key is kept in the same unit as the row. */
    boolean addOnce(String key, ClickTallies tallies) {
        long[] keys = tallies.keys();
        long[] counts = tallies.counts();
        byte[] data = tallies.size() == 0 ? null : TallyBlob.tallies(keys, counts);
        long id = writer.submit("add click batch " + key, s -> {
            PreparedStatement once = s.prepare(ONCE);
            once.setString(1, key);
            once.setLong(2, System.currentTimeMillis());
            if (once.executeUpdate() == 0) {
                return -1L; // seen before
            }
            return data == null ? 0L : append(s, data);
        }, logId -> {
            if (logId > 0) {
                merged(keys, counts, logId);
            }
        });
        return id >= 0;
    }

    /** In a writer unit deleting {@code linkId}: logs that its pending counts are void; returns the row id. */
    static long appendForget(Session s, long linkId) throws SQLException {
        return append(s, TallyBlob.forget(linkId));
    }

    /** After the unit of {@link #appendForget} committed. */
    void forgotten(long linkId, long logId) {
        Pending p = pending;
        for (Window w : new Window[] {p.active, p.compacting}) {
            if (w != null) {
                synchronized (w.counts) {
                    w.counts.forget(linkId);
                }
            }
        }
        p.active.through = logId;
    }

    /**
     * Runs a read of click_days that adds {@link #total} or {@link #daily} so that both sides are of the same
     * instant: a compaction that commits during the read makes it run again, under a read lock.
     */
    <T> T consistent(Session s, Work<T> read) throws SQLException {
        long stamp = commits.tryOptimisticRead();
        if (stamp != 0) {
            T out = read.run(s);
            if (commits.validate(stamp)) {
                return out;
            }
        }
        stamp = commits.readLock(); // a compaction is committing: wait out its fsync
        try {
            return read.run(s);
        } finally {
            commits.unlockRead(stamp);
        }
    }

    /** Pending clicks of one link, all days. */
    long total(long linkId) {
        Pending p = pending;
        long n = 0;
        if (p.compacting != null) {
            synchronized (p.compacting.counts) {
                n += p.compacting.counts.total(linkId);
            }
        }
        synchronized (p.active.counts) {
            n += p.active.counts.total(linkId);
        }
        return n;
    }

    /** Pending clicks of one link by day in [from, to]; a day may come twice (once per window). */
    void daily(long linkId, LocalDate from, LocalDate to, TallyMap.DaySink sink) {
        Pending p = pending;
        if (p.compacting != null) {
            synchronized (p.compacting.counts) {
                p.compacting.counts.daily(linkId, from.toEpochDay(), to.toEpochDay(), sink);
            }
        }
        synchronized (p.active.counts) {
            p.active.counts.daily(linkId, from.toEpochDay(), to.toEpochDay(), sink);
        }
    }

    /** (link, day) entries held in memory. */
    int pendingTallies() {
        Pending p = pending;
        int n = 0;
        if (p.compacting != null) {
            synchronized (p.compacting.counts) {
                n += p.compacting.counts.size();
            }
        }
        synchronized (p.active.counts) {
            return n + p.active.counts.size();
        }
    }

    /**
     * Folds the pending counts into click_days now, in one transaction that also deletes their rows. A
     * compaction that failed left its counts pending; the next one retries them first, then goes on with
     * what was added since, in a transaction of its own.
     */
    void compact() {
        oneAtATime.lock(); // the compactor thread, close() and tests: each needs its own Compaction to publish
        try {
            Compaction c;
            do {
                c = new Compaction();
                Compaction unit = c;
                writer.submitAlone("compact the click log", s -> fold(s, unit), unit);
            } while (c.retried);
        } finally {
            oneAtATime.unlock();
        }
    }

    /** The compaction unit, on the writer thread, alone in its transaction. */
    private int fold(Session s, Compaction c) throws SQLException {
        Pending p = pending;
        if (p.compacting == null) {
            if (p.active.through == compactedThrough) {
                return 0; // nothing logged since the last compaction
            }
            // reads now add both maps; click_days has not changed yet
            TallyMap next = spare != null ? spare : new TallyMap(plannedEntries());
            spare = null;
            p = new Pending(new Window(next, p.active.through), p.active);
            pending = p;
        } else {
            c.retried = true;
        }
        Window w = p.compacting;
        // no lock needed to read: only this thread changes a map
        long[] keys = w.counts.sortedKeys(sortScratch);
        sortScratch = keys; // kept: a fresh array per compaction was megabytes of old-generation garbage
        int entries = w.counts.size();
        PreparedStatement merge = s.prepare(MERGE);
        int merged = 0;
        try {
            for (int e = 0; e < entries; e++) {
                long k = keys[e];
                long clicks = w.counts.get(k);
                if (clicks == 0) {
                    continue; // a deleted link's
                }
                merge.setLong(1, TallyMap.linkOf(k));
                merge.setString(2, dayText(TallyMap.dayOf(k)));
                merge.setLong(3, clicks);
                merge.addBatch();
                if (++merged % MERGE_BATCH == 0) {
                    merge.executeBatch();
                }
            }
            merge.executeBatch();
        } finally {
            merge.clearBatch(); // a batch left by a failure would run with the next compaction
        }
        PreparedStatement trim = s.prepare(TRIM);
        trim.setLong(1, w.through);
        trim.executeUpdate();
        c.through = w.through;
        // last in the unit, so COMMIT follows at once: from here until the maps are swapped back, a read
        // could see these counts in click_days and in memory, so reads wait or retry
        c.stamp = commits.writeLock();
        return merged;
    }

    /** Publishes the outcome of one compaction; always on the writer thread, which took the stamp. */
    private final class Compaction implements Writer.AfterCommit<Integer> {
        long stamp;
        long through;
        boolean retried; // folded what a failed compaction left, not the active window

        @Override
        public void committed(Integer merged) {
            failing = false;
            if (stamp == 0) {
                return;
            }
            try {
                Window done = pending.compacting;
                pending = new Pending(pending.active, null);
                compactedThrough = through;
                if (done != null) {
                    // reads that still hold the old pair fail validation (this write lock) and run again
                    synchronized (done.counts) {
                        done.counts.clear();
                    }
                    spare = done.counts;
                }
            } finally {
                commits.unlockWrite(stamp);
            }
        }

        @Override
        public void rolledBack() {
            // the counts stay pending in the compacting window, for the next compaction to retry
            failing = true;
            if (stamp != 0) {
                commits.unlockWrite(stamp);
            }
        }
    }

    private static long append(Session s, byte[] data) throws SQLException {
        PreparedStatement append = s.prepare(APPEND);
        append.setLong(1, System.currentTimeMillis());
        append.setBytes(2, data);
        try (ResultSet rs = append.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** After the unit of {@link #add} committed. */
    private void merged(long[] keys, long[] counts, long logId) {
        Window w = pending.active;
        synchronized (w.counts) {
            w.counts.addAll(keys, counts);
        }
        w.through = logId;
        if (w.counts.size() >= compactAt && !failing) { // while failing, the compactor retries on its own clock
            wake.release();
        }
    }

    /** Room for a compaction's worth plus the adds that commit while it waits for its turn. */
    private int plannedEntries() {
        return compactAt + compactAt / 8;
    }

    private void run() {
        while (!closed) {
            try {
                wake.tryAcquire(failing ? Math.min(everyMs, RETRY_MS) : everyMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            wake.drainPermits();
            if (closed) {
                return;
            }
            try {
                compact();
            } catch (RuntimeException e) {
                log.warn("click log compaction failed, retrying in {}ms ({} tallies pending): {}", Math.min(everyMs, RETRY_MS),
                        pendingTallies(), e.toString());
            }
        }
    }

    /** Stops the compactor, then compacts what is left; what cannot be compacted is replayed at the next open. */
    @Override
    public void close() {
        if (!stop()) {
            return;
        }
        try {
            compact();
        } catch (RuntimeException e) {
            log.warn("click log compaction at close failed; {} tallies stay in the log until the next open: {}",
                    pendingTallies(), e.toString());
        }
    }

    /** Stops the compactor without compacting; false if already stopped. */
    boolean stop() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        wake.release();
        if (compactor.isAlive()) {
            try {
                compactor.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }
}
