package dev.shortr.redirect;

import dev.shortr.link.Change;
import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's redirect cache in step with edits made by other nodes on the same store. Two paths lead
 * here: the other nodes' notices (Redis pub/sub), applied within milliseconds, and the store's change feed, read
 * from a cursor. Notices are best effort; the feed is the truth. It is read every {@code whenConnected} while
 * notices flow (for one lost in a blip), every {@code whenCut} while they cannot (so an edit shows within that
 * bound: the fallback TTL), and at once when they flow again. Without Redis at all, {@code whenCut} alone makes
 * a poll-based multi-node cache.
 *
 * <p>One thread ({@code cache-sync}) does all the work, so a notice never waits on the store on the thread that
 * heard it. Notices queue up to a bound; past it they are dropped and the feed is read at once instead.
 */
public final class Invalidations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Invalidations.class);
    static final int QUEUE = 65_536;
    static final int PAGE = 1000;

    private final LinkStore feed;
    private final RedirectTier tier;
    private final long connectedMillis;
    private final long cutMillis;
    private final BlockingQueue<String> notices = new ArrayBlockingQueue<>(QUEUE);
    private final LongAdder fromNotices = new LongAdder();
    private final LongAdder fromFeed = new LongAdder();
    private final LongAdder feedReads = new LongAdder();
    private final LongAdder feedFailures = new LongAdder();
    private volatile boolean connected;
    private volatile boolean readFeedNow;
    private volatile boolean closed;
    /** The last change read from the feed; only the cache-sync thread moves it. */
    private long cursor;
    private Thread thread;

    /**
     * Starts at the end of the feed: whatever changed before is not in the cache yet (build this before the
     * cache is warmed, whose own feed check covers the changes made while it loads).
     *
     * @param feed          the store's change feed (the raw store: reading it is no link traffic)
     * @param whenConnected how often the feed is read while notices flow
     * @param whenCut       how often it is read while they do not: how stale a cached link may get
     */
    public Invalidations(LinkStore feed, RedirectTier tier, Duration whenConnected, Duration whenCut) {
        this.feed = feed;
        this.tier = tier;
        this.connectedMillis = whenConnected.toMillis();
        this.cutMillis = whenCut.toMillis();
        this.cursor = feed.lastSeq();
    }

    public Invalidations start() {
        thread = Thread.ofPlatform().name("cache-sync").daemon(true).start(this::run);
        return this;
    }

    /** Another node changed {@code code}: drop it here soon. Never blocks; call it from an I/O thread. */
    public void notice(String code) {
        if (!notices.offer(code)) {
            readFeedNow = true; // the queue is full: the feed has every one of them
        }
    }

    /**
     * Whether notices flow (Redis is up). The feed is read at once on either change: after a cut it holds what
     * was missed, and on a cut it starts the short interval right away.
     */
    public void connected(boolean flowing) {
        connected = flowing;
        readFeedNow = true;
        notices.offer(""); // wakes the thread from its poll; an empty code is skipped
    }

    /** Whether the short interval is in force (notices do not flow). */
    public boolean cut() {
        return !connected;
    }

    private void run() {
        long nextRead = System.currentTimeMillis();
        while (!closed) {
            try {
                long wait = Math.max(0, nextRead - System.currentTimeMillis());
                String code = readFeedNow ? notices.poll() : notices.poll(wait, TimeUnit.MILLISECONDS);
                while (code != null) {
                    drop(code);
                    code = notices.poll();
                }
                if (readFeedNow || System.currentTimeMillis() >= nextRead) {
                    readFeedNow = false;
                    readFeed();
                    nextRead = System.currentTimeMillis() + (connected ? connectedMillis : cutMillis);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the store is down: nothing can change in it either; try again at the next interval
                feedFailures.increment();
                log.debug("reading the change feed failed: {}", e.toString());
                nextRead = System.currentTimeMillis() + cutMillis;
            }
        }
    }

    private void drop(String code) {
        if (code.isEmpty() || ShortCode.problem(code) != null) {
            return;
        }
        tier.invalidate(new ShortCode(code));
        fromNotices.increment();
    }

    /** Drops every code changed since the cursor, and moves it. */
    void readFeed() {
        if (feed.lastSeq() > cursor) {
            List<Change> changes;
            do {
                changes = feed.changesAfter(cursor, PAGE);
                for (Change c : changes) {
                    tier.invalidate(c.code());
                    fromFeed.increment();
                }
                if (!changes.isEmpty()) {
                    cursor = changes.getLast().seq();
                }
            } while (changes.size() == PAGE);
        }
        feedReads.increment();
    }

    /** Codes dropped because another node's notice named them. */
    public long fromNotices() {
        return fromNotices.sum();
    }

    /** Codes dropped because the change feed named them (this node's own changes too). */
    public long fromFeed() {
        return fromFeed.sum();
    }

    /** Times the change feed was read through (failed reads apart). */
    public long feedReads() {
        return feedReads.sum();
    }

    /** Feed reads that failed (the store did not answer). */
    public long feedFailures() {
        return feedFailures.sum();
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
