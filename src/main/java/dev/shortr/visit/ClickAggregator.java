package dev.shortr.visit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single consumer of the {@link ClickQueue}. It folds clicks into per-(link, UTC day) tallies and
 * hands them to the {@link ClickStore} every {@code flushMillis} or every {@code maxBatch} clicks.
 *
 * <p>Flushes run on their own thread, one at a time, so a slow store never stops the aggregator from
 * draining the queue (the queue is what the hot path sees; if it backs up, clicks are dropped). A failed
 * flush folds its tallies back in and they go out with the next one, so accepted clicks are not lost
 * while the store is briefly unavailable. {@link #close()} drains the queue and flushes before returning.
 */
public final class ClickAggregator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClickAggregator.class);
    private static final long MS_PER_DAY = 86_400_000L;
    private static final int DAY_BITS = 22; // epoch days up to year ~13,400
    private static final int DRAIN_MAX = 16_384;
    /** Nap between drains: clicks are never worth a wake-up each, and the hot path shares our core. */
    private static final long NAP_NANOS = 1_000_000;

    private final ClickQueue queue;
    private final ClickStore store;
    private final long flushMillis;
    private final int maxBatch;
    private final Thread thread;
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("click-flush").daemon(true).unstarted(r));
    private final LongAdder flushed = new LongAdder();
    private final LongAdder flushFailures = new LongAdder();
    private volatile boolean running = true;

    // owned by the aggregator thread
    /** Pending counts by {@link #key(long, long)}; a primitive key keeps the per-click cost allocation-light. */
    private Map<Long, long[]> pending = new HashMap<>();
    private long pendingClicks;
    private CompletableFuture<Void> inFlight;
    private List<ClickTally> inFlightTallies;
    private long inFlightClicks;

    public ClickAggregator(ClickQueue queue, ClickStore store, long flushMillis, int maxBatch) {
        this.queue = queue;
        this.store = store;
        this.flushMillis = flushMillis;
        this.maxBatch = maxBatch;
        this.thread = Thread.ofPlatform().name("click-aggregator").daemon(true).unstarted(this::run);
    }

    public ClickAggregator start() {
        thread.start();
        return this;
    }

    public long flushedClicks() {
        return flushed.sum();
    }

    public long flushFailures() {
        return flushFailures.sum();
    }

    private static long key(long linkId, long epochDay) {
        return (linkId << DAY_BITS) | epochDay;
    }

    private void run() {
        long nextFlush = System.currentTimeMillis() + flushMillis;
        while (running) {
            try {
                int drained = queue.drain(this::fold, DRAIN_MAX);
                settle();
                long now = System.currentTimeMillis();
                if (inFlight == null && pendingClicks > 0 && (pendingClicks >= maxBatch || now >= nextFlush)) {
                    startFlush();
                    nextFlush = now + flushMillis;
                }
                if (drained < DRAIN_MAX) {
                    LockSupport.parkNanos(NAP_NANOS);
                }
            } catch (RuntimeException e) {
                log.error("click aggregator loop failed; continuing", e);
            }
        }
        finish();
    }

    /** Shutdown: take every queued click, wait for the flush in flight, then flush the rest, retrying. */
    private void finish() {
        while (queue.drain(this::fold, DRAIN_MAX) > 0) {
            // keep draining until empty
        }
        for (int attempt = 1; attempt <= 8; attempt++) {
            if (inFlight != null) {
                inFlight.handle((v, e) -> null).join();
                settle();
            }
            if (pendingClicks == 0) {
                return;
            }
            startFlush();
            inFlight.handle((v, e) -> null).join();
            settle();
            if (pendingClicks == 0) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100L * attempt));
        }
        log.error("click aggregator stopped with {} clicks it could not store", pendingClicks);
    }

    private void fold(Click c) {
        fold(key(c.linkId(), Math.floorDiv(c.epochMs(), MS_PER_DAY)), 1);
    }

    private void fold(long k, long n) {
        long[] count = pending.get(k);
        if (count == null) {
            pending.put(k, count = new long[1]);
        }
        count[0] += n;
        pendingClicks += n;
    }

    private void startFlush() {
        List<ClickTally> tallies = new ArrayList<>(pending.size());
        pending.forEach((k, v) -> tallies.add(new ClickTally(k >>> DAY_BITS,
                LocalDate.ofEpochDay(k & ((1L << DAY_BITS) - 1)), v[0])));
        inFlightTallies = tallies;
        inFlightClicks = pendingClicks;
        pending = new HashMap<>(Math.max(16, tallies.size()));
        pendingClicks = 0;
        inFlight = CompletableFuture.runAsync(() -> store.add(tallies), flusher);
    }

    /** Accounts for a finished flush: success is counted and announced, failure folds back in. */
    private void settle() {
        if (inFlight == null || !inFlight.isDone()) {
            return;
        }
        CompletableFuture<Void> done = inFlight;
        List<ClickTally> tallies = inFlightTallies;
        long clicks = inFlightClicks;
        inFlight = null;
        inFlightTallies = null;
        inFlightClicks = 0;
        if (done.isCompletedExceptionally()) {
            flushFailures.increment();
            Throwable cause = done.handle((v, e) -> e).join();
            log.warn("click flush of {} tallies ({} clicks) failed, will retry: {}", tallies.size(), clicks,
                    cause == null ? "unknown" : cause.toString());
            for (ClickTally t : tallies) {
                fold(key(t.linkId(), t.day().toEpochDay()), t.clicks());
            }
            return;
        }
        flushed.add(clicks);
    }

    /** Stops once the queue is drained and everything is flushed (waits up to 15 s). */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flusher.shutdown();
    }
}
