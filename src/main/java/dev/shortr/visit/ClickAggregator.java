package dev.shortr.visit;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single consumer of the {@link ClickQueue}. It folds clicks into per-(link, day) tallies and flushes
 * them to the {@link ClickStore} every {@code flushMillis} or every {@code maxBatch} clicks. A failed flush
 * keeps its tallies and retries them with the next one, so accepted clicks are not lost while the store
 * is briefly unavailable. {@link #close()} drains the queue and flushes before returning.
 */
public final class ClickAggregator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClickAggregator.class);

    private final ClickQueue queue;
    private final ClickStore store;
    private final long flushMillis;
    private final int maxBatch;
    private final Thread thread;
    /** Pending counts by {@link #key(long, long)}; a primitive key keeps the per-click cost allocation-light. */
    private final Map<Long, long[]> pending = new HashMap<>();
    private final LongAdder flushed = new LongAdder();
    private final LongAdder flushFailures = new LongAdder();
    private final List<FlushListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private int pendingClicks;

    private static final long MS_PER_DAY = 86_400_000L;
    private static final int DAY_BITS = 22; // epoch days up to year ~13,400

    private static long key(long linkId, long epochDay) {
        return (linkId << DAY_BITS) | epochDay;
    }

    /** Told of each batch after it is durable (the redirect tier uses it to keep max-clicks counters right). */
    public interface FlushListener {
        void flushed(List<ClickTally> tallies);
    }

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

    public void addListener(FlushListener l) {
        listeners.add(l);
    }

    public long flushedClicks() {
        return flushed.sum();
    }

    public long flushFailures() {
        return flushFailures.sum();
    }

    private void run() {
        List<Click> buf = new ArrayList<>(1024);
        long nextFlush = System.currentTimeMillis() + flushMillis;
        while (running || queue.depth() > 0) {
            try {
                // short polls, so close() is noticed at once even with a long flush interval
                long wait = Math.min(50, Math.max(1, nextFlush - System.currentTimeMillis()));
                Click first = queue.poll(wait, TimeUnit.MILLISECONDS);
                if (first != null) {
                    fold(first);
                    buf.clear();
                    queue.drainTo(buf, 4096);
                    for (Click c : buf) {
                        fold(c);
                    }
                }
                if (pendingClicks >= maxBatch || System.currentTimeMillis() >= nextFlush) {
                    flush();
                    nextFlush = System.currentTimeMillis() + flushMillis;
                }
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException e) {
                log.error("click aggregator loop failed; continuing", e);
            }
        }
        // last chance before the store closes: retry a briefly failing store rather than lose clicks
        for (int attempt = 1; attempt <= 8; attempt++) {
            flush();
            if (pending.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(100L * attempt);
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private void fold(Click c) {
        long k = key(c.linkId(), Math.floorDiv(c.epochMs(), MS_PER_DAY));
        long[] n = pending.get(k);
        if (n == null) {
            pending.put(k, n = new long[1]);
        }
        n[0]++;
        pendingClicks++;
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<ClickTally> tallies = new ArrayList<>(pending.size());
        pending.forEach((k, v) -> tallies.add(new ClickTally(k >>> DAY_BITS,
                LocalDate.ofEpochDay(k & ((1L << DAY_BITS) - 1)), v[0])));
        try {
            store.add(tallies);
        } catch (RuntimeException e) {
            flushFailures.increment();
            log.warn("click flush of {} tallies ({} clicks) failed, will retry: {}", tallies.size(), pendingClicks, e.toString());
            return;
        }
        flushed.add(pendingClicks);
        pending.clear();
        pendingClicks = 0;
        for (FlushListener l : listeners) {
            l.flushed(tallies);
        }
    }

    /** Stops taking clicks once the queue is empty, flushes, and waits up to 10 s for the last write. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!pending.isEmpty()) {
            log.error("click aggregator stopped with {} unflushed clicks", pendingClicks);
        }
    }
}
