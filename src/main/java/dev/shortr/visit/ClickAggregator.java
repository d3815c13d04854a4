package dev.shortr.visit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private static final int DRAIN_MAX = 16_384;
    /**
     * Nap between drains: clicks are never worth a wake-up each, and the hot path shares our core. At 100k
     * clicks/s a 1 ms nap was a thousand context switches a second; 4 ms folds about 400 clicks a round.
     */
    private static final long NAP_NANOS = 4_000_000;
    /**
     * While the queue stays empty the nap doubles up to this: a thousand empty wake-ups a second cost an idle
     * node's core 1-2 %. A burst then waits at most this long, well within the queue's bound.
     */
    private static final long MAX_NAP_NANOS = 16_000_000;

    private final ClickQueue queue;
    private final ClickStore store;
    private final long flushMillis;
    private final int maxBatch;
    private final VisitRecorder visits;
    private final Thread thread;
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
            .name("click-flush").daemon(true).unstarted(r));
    private final LongAdder flushed = new LongAdder();
    private final LongAdder flushFailures = new LongAdder();
    private final LongAdder enrichFailures = new LongAdder();
    /** Clicks since the last flush started, for the maxBatch trigger. */
    private long pendingEvents;
    private volatile boolean running = true;
    private long nextFlush;
    private long nap = NAP_NANOS;

    // owned by the aggregator thread
    /**
     * Pending counts by (link, day). Flat arrays reused for every batch: a map of boxed keys here was a
     * hundred thousand live objects that every young collection had to copy, the main cause of its pauses.
     */
    private TallyMap pending;
    /**
     * The map of the last flushed batch, emptied by the flush thread and handed back. The aggregator hands its
     * whole map to the flush thread instead of sorting a snapshot itself: sorting ~100k keys took it 5-8 ms
     * every flush at the event loop's priority, and the redirects queued behind it made the latency tail.
     */
    private final java.util.concurrent.atomic.AtomicReference<TallyMap> spare = new java.util.concurrent.atomic.AtomicReference<>();
    private TallyMap inFlightMap;
    private long pendingClicks;
    private CompletableFuture<Void> inFlight;
    /** Visit batches drained but not yet written, oldest first; written (and retried) with each flush. */
    private final java.util.ArrayDeque<VisitRecorder.Batch> visitBatches = new java.util.ArrayDeque<>();
    private Progress inFlightProgress;

    /** How far a flush got, so a retry repeats only what did not happen. Written by the flush thread. */
    private static final class Progress {
        /** The batch as sorted arrays, once the flush thread has made them. */
        volatile ClickTallies tallies;
        volatile boolean totalsStored;
        volatile int visitBatchesWritten;
    }
    private long inFlightClicks;

    public ClickAggregator(ClickQueue queue, ClickStore store, long flushMillis, int maxBatch) {
        this(queue, store, flushMillis, maxBatch, VisitRecorder.NONE);
    }

    /** @param visits enrichment and analytics of each click, written with every flush */
    public ClickAggregator(ClickQueue queue, ClickStore store, long flushMillis, int maxBatch, VisitRecorder visits) {
        this.visits = visits;
        this.queue = queue;
        this.store = store;
        this.flushMillis = flushMillis;
        this.maxBatch = maxBatch;
        this.pending = new TallyMap(Math.min(maxBatch, 1 << 20));
        this.thread = Thread.ofPlatform().name("click-aggregator").daemon(true).unstarted(this::run);
        this.nextFlush = System.currentTimeMillis() + flushMillis;
    }

    private volatile java.util.function.Consumer<ClickTallies> onFlushed = t -> {};

    /**
     * Hands each batch of clicks to {@code listener} once it is durably stored, on the flush thread (webhooks'
     * {@code link.clicked}). A listener that throws is logged and does not fail the flush.
     */
    public ClickAggregator onFlushed(java.util.function.Consumer<ClickTallies> listener) {
        this.onFlushed = listener;
        return this;
    }

    public ClickAggregator start() {
        thread.start();
        // the flush thread now, not at the first flush: it must exist when the node lowers housekeeping
        // threads' priority at start-up (a thread made later by the aggregator would inherit the aggregator's)
        flusher.execute(() -> {});
        return this;
    }

    public long flushedClicks() {
        return flushed.sum();
    }

    public long flushFailures() {
        return flushFailures.sum();
    }

    /** Clicks counted but not enriched because enrichment threw (a bug or a pathological input). */
    public long enrichFailures() {
        return enrichFailures.sum();
    }

    private void run() {
        while (running) {
            try {
                long nap = step(DRAIN_MAX);
                if (nap > 0) {
                    LockSupport.parkNanos(nap);
                }
            } catch (RuntimeException e) {
                log.error("click aggregator loop failed; continuing", e);
            }
        }
        finish();
    }

    /**
     * One round: drains up to {@code max} clicks, accounts for a finished flush, starts the next one when due.
     * Returns how long to wait before the next round (0: at once, the queue is filling faster than that).
     */
    private long step(int max) {
        int drained = drainBatch(max);
        settle();
        long now = System.currentTimeMillis();
        if (inFlight == null && (!idle() || visits.due(now)) && (pendingEvents >= maxBatch || now >= nextFlush)) {
            startFlush();
            nextFlush = now + flushMillis;
        }
        if (drained >= Math.min(max, queue.capacity() / 8)) {
            return 0;
        }
        nap = drained > 0 || inFlight != null ? NAP_NANOS : Math.min(nap * 2, MAX_NAP_NANOS);
        long untilFlush = idle() ? nap : Math.max(NAP_NANOS, (nextFlush - now) * 1_000_000);
        return Math.min(nap, untilFlush);
    }

    // ---- on an event loop ----------------------------------------------------------------------------------

    /**
     * Clicks folded per round on an event loop: about 100 µs of work with full analytics, so a redirect waits
     * at most that long behind us, never a whole scheduler slice. At one round a millisecond that is room for
     * 256k clicks a second; a backlog is worked off in rounds {@link #LOOP_BACKLOG_NANOS} apart.
     */
    static final int LOOP_SLICE = 256;
    /** Between rounds while a backlog lasts: long enough for the loop to serve the I/O that came in. */
    private static final long LOOP_BACKLOG_NANOS = 50_000;
    /** Between rounds while clicks come: at 100k clicks a second, a round folds a hundred. */
    private static final long LOOP_NAP_NANOS = 1_000_000;

    private ScheduledExecutorService loop;

    /**
     * Folds clicks on {@code loop} (an event loop of the server, in practice) instead of a thread of its own, in
     * rounds of at most {@link #LOOP_SLICE}. A thread of its own shares the core with a busy event loop as an
     * equal: each time it wakes it takes the core for up to a scheduler slice, and every redirect waiting on
     * that loop meanwhile carries the delay (the redirect latency tail). Here it costs the same CPU in slices
     * of about 100 µs between the loop's reads. Flushes still run on their own thread.
     */
    public ClickAggregator startOn(ScheduledExecutorService loop) {
        this.loop = loop;
        flusher.execute(() -> {});
        loop.execute(this::tick);
        return this;
    }

    private void tick() {
        if (!running) {
            return;
        }
        long wait;
        try {
            long nap = step(LOOP_SLICE);
            wait = nap == 0 ? LOOP_BACKLOG_NANOS : Math.max(LOOP_NAP_NANOS, nap / 4);
        } catch (RuntimeException e) {
            log.error("click aggregator round failed; continuing", e);
            wait = LOOP_NAP_NANOS;
        }
        try {
            loop.schedule(this::tick, wait, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the loop is shutting down: close() takes over from here
        }
    }

    /** Shutdown: take every queued click, wait for the flush in flight, then flush the rest, retrying. */
    private void finish() {
        while (drainBatch(DRAIN_MAX) > 0) {
            // keep draining until empty
        }
        for (int attempt = 1; attempt <= 8; attempt++) {
            if (inFlight != null) {
                inFlight.handle((v, e) -> null).join();
                settle();
            }
            if (idle()) {
                return;
            }
            startFlush();
            inFlight.handle((v, e) -> null).join();
            settle();
            if (idle()) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100L * attempt));
        }
        log.error("click aggregator stopped with {} clicks and {} analytics batches it could not store", pendingClicks,
                visitBatches.size());
    }

    /** The clicks of one drain, prefetched as a batch (see {@link VisitRecorder#prefetch}), then folded. */
    private final Click[] batch = new Click[DRAIN_MAX];
    private int batchSize;
    /** Sum of what the prefetch loaded, kept so the compiler cannot drop the loads. */
    private long touched;

    private int drainBatch(int max) {
        batchSize = 0;
        int n = queue.drain(this::collect, max);
        try {
            visits.prefetch(batch, n);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                Click c = batch[i];
                if (!c.head()) {
                    sum += pending.touch(TallyMap.key(c.linkId(), Math.floorDiv(c.epochMs(), MS_PER_DAY)));
                }
            }
            touched += sum;
        } catch (RuntimeException e) {
            // only a hint: fold() meets the same clicks and deals with what is wrong with them
        }
        for (int i = 0; i < n; i++) {
            try {
                fold(batch[i]);
            } catch (RuntimeException e) {
                // a click that cannot be counted (its link or time out of range) must not take the batch with it
                log.error("a click could not be counted and is dropped: {}", e.toString());
            }
            batch[i] = null;
        }
        return n;
    }

    private void collect(Click c) {
        batch[batchSize++] = c;
    }

    private void fold(Click c) {
        try {
            visits.record(c);
        } catch (RuntimeException e) {
            enrichFailures.increment(); // one odd click must never cost the count of the others
            if (enrichFailures.sum() == 1) {
                log.warn("a click could not be enriched (counted anyway): {}", e.toString());
            }
        }
        pendingEvents++;
        if (!c.head()) {
            pending.add(TallyMap.key(c.linkId(), Math.floorDiv(c.epochMs(), MS_PER_DAY)), 1);
            pendingClicks++;
        }
    }

    /** Nothing recorded since the last flush, and nothing waiting to be written again. */
    private boolean idle() {
        return pendingEvents == 0 && pendingClicks == 0 && visitBatches.isEmpty();
    }

    private void startFlush() {
        TallyMap batch = pending;
        TallyMap reuse = spare.getAndSet(null);
        pending = reuse != null ? reuse : new TallyMap(Math.min(maxBatch, 1 << 20));
        inFlightMap = batch;
        inFlightClicks = pendingClicks;
        pendingClicks = 0;
        pendingEvents = 0;
        VisitRecorder.Batch drained = visits.drain(!running);
        if (drained != null) {
            visitBatches.add(drained);
        }
        java.util.List<VisitRecorder.Batch> batches = java.util.List.copyOf(visitBatches);
        Progress progress = new Progress();
        inFlightProgress = progress;
        inFlight = CompletableFuture.runAsync(() -> {
            ClickTallies tallies = batch.snapshot(); // here, on the flush thread, not on the aggregator
            progress.tallies = tallies;
            batch.clear();
            spare.set(batch);
            store.add(tallies); // the totals first: they are what max-clicks limits and the API's "clicks" read
            progress.totalsStored = true;
            try {
                onFlushed.accept(tallies);
            } catch (RuntimeException e) {
                log.warn("a click flush listener failed (the clicks are stored): {}", e.toString());
            }
            for (VisitRecorder.Batch b : batches) {
                b.write();
                progress.visitBatchesWritten++;
            }
        }, flusher);
    }

    /** Accounts for a finished flush: success is counted and announced, failure folds back in. */
    private void settle() {
        if (inFlight == null || !inFlight.isDone()) {
            return;
        }
        CompletableFuture<Void> done = inFlight;
        TallyMap batch = inFlightMap;
        long clicks = inFlightClicks;
        Progress progress = inFlightProgress;
        inFlight = null;
        inFlightMap = null;
        inFlightClicks = 0;
        inFlightProgress = null;
        for (int i = 0; i < progress.visitBatchesWritten; i++) {
            visitBatches.poll();
        }
        if (progress.totalsStored) {
            flushed.add(clicks);
        }
        if (done.isCompletedExceptionally()) {
            flushFailures.increment();
            Throwable cause = done.handle((v, e) -> e).join();
            log.warn("click flush ({} clicks{}, {} analytics batches waiting) failed, will retry: {}", clicks,
                    progress.totalsStored ? " stored" : "", visitBatches.size(), cause == null ? "unknown" : cause.toString());
            if (!progress.totalsStored) {
                ClickTallies tallies = progress.tallies;
                if (tallies == null) { // the snapshot itself failed: the batch map was left as it was
                    tallies = batch.snapshot();
                    batch.clear();
                }
                pending.addAll(tallies.keys(), tallies.counts());
                pendingClicks += clicks;
            }
            return;
        }
    }

    /** Stops once the queue is drained and everything is flushed (waits up to 15 s). */
    @Override
    public void close() {
        running = false;
        if (loop != null) {
            stopOnLoop();
            finish(); // here, not on the loop: it may wait for the store
        } else {
            LockSupport.unpark(thread);
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flusher.shutdown();
    }

    /** Waits until no round runs on the loop any more: one that starts now sees {@code running} false. */
    private void stopOnLoop() {
        try {
            loop.submit(() -> {}).get(5, TimeUnit.SECONDS); // after the round in progress, if any
        } catch (java.util.concurrent.RejectedExecutionException e) {
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS); // shutting down: its last task, maybe a round, ends first
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("the event loop did not confirm the click aggregator's stop: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
