package dev.shortr.edge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the replica current: a snapshot first (or after the origin says the cursor cannot be followed), then the
 * change feed, long-polled, applied in order, the cursor saved after each page. While the origin cannot be
 * reached it retries with backoff and the edge goes on serving what it has (stale-if-error).
 */
public final class Replicator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Replicator.class);
    private static final int PAGE = 500;

    /** Where the replica stands. */
    public enum State { STARTING, LOADING, FOLLOWING, ORIGIN_UNREACHABLE, STOPPED }

    private final Origin origin;
    private final Replica replica;
    private final Duration wait;
    private final Clock clock;
    private final Thread thread;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile State state = State.STARTING;
    private volatile Instant lastContact;
    private volatile String lastError;
    private volatile long originLast = -1;
    private volatile boolean stopping;

    /**
     * @param wait how long one long poll of the feed may wait for a change (the origin caps it at 60 s)
     */
    public Replicator(Origin origin, dev.shortr.link.LinkStore links, java.nio.file.Path cursorFile, Duration wait, Clock clock) {
        this.origin = origin;
        this.replica = new Replica(links, cursorFile);
        this.wait = wait;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("edge-replicator").daemon(true).unstarted(this::run);
    }

    public Replicator start() {
        if (replica.cursor() >= 0) {
            loaded.countDown(); // a replica from an earlier run serves at once, and catches up from its cursor
        }
        thread.start();
        return this;
    }

    /** Waits until the replica holds a full snapshot (at once for one loaded before); false on timeout. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        long backoff = 250;
        while (!stopping) {
            try {
                long cursor = replica.cursor();
                if (cursor < 0) {
                    load();
                    continue;
                }
                state = State.FOLLOWING;
                switch (origin.changes(cursor, PAGE, wait)) {
                    case Origin.Feed.Page p -> {
                        contact();
                        originLast = p.last();
                        for (JsonNode change : p.changes()) {
                            replica.apply(change);
                            applied.incrementAndGet();
                        }
                        if (p.next() != cursor) {
                            replica.saveCursor(p.next());
                        }
                    }
                    case Origin.Feed.Resync r -> {
                        contact();
                        log.warn("edge: the origin cannot continue the feed from seq {} ({}); reloading from a snapshot", cursor, r.why());
                        resyncs.incrementAndGet();
                        load();
                    }
                }
                backoff = 250;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stopping) {
                    return;
                }
                failures.incrementAndGet();
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                if (state != State.ORIGIN_UNREACHABLE || !why.equals(lastError)) {
                    log.warn("edge: cannot follow the origin {} ({}); serving the replica as it is, retrying", origin.base(), why);
                }
                lastError = why;
                state = State.ORIGIN_UNREACHABLE;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    /** Loads every link from a snapshot, drops local links the origin no longer has, then sets the cursor. */
    private void load() throws IOException, InterruptedException {
        state = State.LOADING;
        Set<String> seen = new HashSet<>();
        String cursor = null;
        long seq;
        int count = 0;
        do {
            JsonNode page = origin.snapshot(cursor, 1000);
            contact();
            seq = page.path("seq").asLong();
            replica.putAll(page.path("links"));
            count += page.path("links").size();
            Replica.codes(page.path("links"), seen);
            cursor = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (cursor != null && !stopping);
        if (stopping) {
            return;
        }
        int dropped = replica.retainOnly(seen);
        replica.saveCursor(seq);
        log.info("edge: replica loaded from a snapshot of {}: {} link(s) as of seq {}, {} stale one(s) dropped", origin.base(), count,
                seq, dropped);
        loaded.countDown();
    }

    private void contact() {
        lastContact = clock.instant();
        lastError = null;
    }

    public State state() {
        return state;
    }

    public long cursor() {
        return replica.cursor();
    }

    /** The seq of the origin's last change, as last heard; -1 before any page. */
    public long originLast() {
        return originLast;
    }

    public Instant lastContact() {
        return lastContact;
    }

    public String lastError() {
        return lastError;
    }

    public long applied() {
        return applied.get();
    }

    public long resyncs() {
        return resyncs.get();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        stopping = true;
        state = State.STOPPED;
        thread.interrupt(); // a long poll in progress ends with the interrupt; the origin's client is the edge's to close
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
