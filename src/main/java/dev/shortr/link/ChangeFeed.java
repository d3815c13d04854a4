package dev.shortr.link;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change feed as replicas read it: the changes after a cursor, or, when there are none yet, a wait for
 * some (a long poll). A waiter wakes when this node commits a link mutation through {@link #signalling}, and
 * when a background check of {@link LinkStore#lastSeq} sees the feed grow some other way (another node on a
 * shared store); that check runs every {@code pollInterval}, and only while someone waits. {@link #close} ends
 * every wait at once, so a node's shutdown never waits for long polls.
 *
 * <p>Waiting blocks the calling thread: call it from a virtual thread, never from an event loop.
 */
public final class ChangeFeed implements AutoCloseable {
    /** What a read found. */
    public sealed interface Read {
        /**
         * Changes {@code after + 1 .. next}, in order (none when the wait ran out), and the feed's last seq
         * when they were read: {@code next < last} means there is more to read at once.
         */
        record Changes(List<Change> changes, long next, long last) implements Read {}

        /** The changes right after the cursor are gone (compacted); the oldest left is {@code oldest}. */
        record Compacted(long after, long oldest) implements Read {}

        /** The cursor is beyond the feed's last seq: it comes from another store, or from before a restore. */
        record Ahead(long after, long last) implements Read {}

        /** Too many reads are waiting already; this one would have had to wait too. */
        record Busy(int waiting) implements Read {}
    }

    private final LinkStore store;
    private final long pollNanos;
    private final int maxWaiting;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the feed may have grown, and on close. */
    private final Condition grown = lock.newCondition();
    /** Signalled when the first waiter arrives, and on close: the poller sleeps on it while nobody waits. */
    private final Condition wanted = lock.newCondition();
    /** Bumped by every signal; a waiter that read the feed at generation g sleeps only while it is still g. */
    private long generation;
    private int waiting;
    private boolean closed;
    private Thread poller;

    /**
     * @param store        where the feed is read (the raw store: feed reads are not link traffic)
     * @param pollInterval how often waiters look for changes that were not signalled (other nodes' writes)
     * @param maxWaiting   reads allowed to wait at once; each holds a request slot of the listener
     */
    public ChangeFeed(LinkStore store, Duration pollInterval, int maxWaiting) {
        this.store = store;
        this.pollNanos = pollInterval.toNanos();
        this.maxWaiting = maxWaiting;
    }

    /**
     * At most {@code limit} changes after seq {@code after}; when there are none, waits up to {@code wait}
     * for some (less when the feed is closed, or the thread interrupted), then answers with what there is.
     */
    public Read read(long after, int limit, Duration wait) {
        if (after < 0 || limit < 1) {
            throw new IllegalArgumentException("after must be >= 0 and limit >= 1, not " + after + " and " + limit);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        boolean counted = false;
        try {
            while (true) {
                long seen = generation();
                List<Change> changes = store.changesAfter(after, limit);
                long last = store.lastSeq(); // read after the page, so last >= every seq in it
                if (!changes.isEmpty()) {
                    // seqs are dense (LinkStore), so anything but after + 1 first means a prefix was removed
                    long first = changes.getFirst().seq();
                    return first == after + 1 ? new Read.Changes(changes, changes.getLast().seq(), last)
                            : new Read.Compacted(after, first);
                }
                if (after > last) {
                    return new Read.Ahead(after, last);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || isClosed()) {
                    return new Read.Changes(List.of(), after, last);
                }
                if (!counted) {
                    int now = enter();
                    if (now < 0) {
                        return new Read.Busy(-now);
                    }
                    counted = true;
                }
                if (!awaitGrowth(seen, left)) {
                    Thread.currentThread().interrupt(); // answer with what there is; the caller sees the flag
                    return new Read.Changes(List.of(), after, last);
                }
            }
        } finally {
            if (counted) {
                leave();
            }
        }
    }

    /** A link mutation has committed: waiters look again. Cheap; call it after every successful write. */
    public void committed() {
        lock.lock();
        try {
            generation++;
            grown.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** {@code links} with a {@link #committed} after each successful mutation: the wake-up from the write path. */
    public LinkStore signalling(LinkStore links) {
        return new SignallingLinkStore(links, this::committed);
    }

    /** Reads waiting now. */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every wait now and every later one at once (their reads answer with what there is). Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            grown.signalAll();
            wanted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a waiter in (starting the poller on first use); minus the number waiting when full. */
    private int enter() {
        lock.lock();
        try {
            if (waiting >= maxWaiting) {
                return -waiting;
            }
            if (waiting++ == 0) {
                wanted.signalAll();
            }
            if (poller == null && !closed) {
                poller = Thread.ofVirtual().name("change-feed-poll").start(this::poll);
            }
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            waiting--;
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until a signal after generation {@code seen}, close, or {@code nanos}; false when interrupted. */
    private boolean awaitGrowth(long seen, long nanos) {
        lock.lock();
        try {
            long left = nanos;
            while (generation == seen && !closed && left > 0) {
                left = grown.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The fallback for writes this node did not make: while anyone waits, compares {@link LinkStore#lastSeq} every
     * poll interval and wakes the waiters when it moved. One query per interval, whatever the number of waiters.
     */
    private void poll() {
        long polled = -1;
        while (true) {
            lock.lock();
            try {
                while (waiting == 0 && !closed) {
                    wanted.await();
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                long last = store.lastSeq();
                if (last != polled) { // the first look after an idle spell wakes everyone once: harmless
                    polled = last;
                    committed();
                }
            } catch (RuntimeException e) {
                // the store is failing: the waiters' own reads report it when they next look; keep polling
            }
            try {
                TimeUnit.NANOSECONDS.sleep(pollNanos);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
