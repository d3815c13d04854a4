package dev.shortr.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries: claims as many as there are free permits, sends each on a virtual thread, and records
 * how the attempt ended (delivered, retry after a backoff, or given up after the last attempt). A claim outlives
 * any attempt, so an attempt still running is never claimed twice; a node that dies mid-attempt leaves a claim
 * that the next start releases.
 */
final class Courier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    private final WebhookStore store;
    private final Sender sender;
    private final Backoff backoff;
    private final Clock clock;
    private final int maxAttempts;
    private final int concurrency;
    private final Duration lease;
    private final Duration timeout;
    private final Runnable finished;
    private final Semaphore permits;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final LongAdder gaveUp = new LongAdder();

    /** {@code finished} runs after every attempt, when its permit is free again. */
    Courier(WebhookStore store, Sender sender, Backoff backoff, Clock clock, int maxAttempts, int concurrency, Duration timeout,
            Runnable finished) {
        this.store = store;
        this.sender = sender;
        this.backoff = backoff;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.lease = timeout.multipliedBy(2).plusSeconds(60);
        this.finished = finished;
        this.permits = new Semaphore(concurrency);
    }

    /**
     * Starts sending what is due at {@code now}, as far as permits allow. Returns when to look again: {@code now}
     * when there may be more due, the next due time, or null when there is nothing to wait for (no delivery is
     * pending, or every permit is taken and a finishing delivery will say so).
     */
    Instant dispatch(Instant now) {
        int free = permits.availablePermits();
        if (free == 0) {
            return null;
        }
        Optional<Instant> next = store.nextAttemptAt();
        if (next.isEmpty() || next.get().isAfter(now)) {
            return next.orElse(null);
        }
        List<Due> due = store.claimDue(now, now.plus(lease), free);
        for (Due d : due) {
            if (!inFlight.add(d.id()) || !permits.tryAcquire()) {
                inFlight.remove(d.id()); // cannot happen while a claim outlasts an attempt; its claim runs out
                continue;
            }
            Thread.ofVirtual().name("webhook-" + d.id()).start(() -> deliver(d));
        }
        return due.size() == free ? now : null;
    }

    private void deliver(Due d) {
        Instant at = clock.instant();
        try {
            Sender.Response r = sender.send(d.event(), d.endpoint(), at);
            int made = d.attempts() + 1;
            Attempt attempt = r.ok() ? new Attempt.Delivered(r.status(), at)
                    : made >= maxAttempts ? new Attempt.GaveUp(r.status(), r.error(), at)
                    : new Attempt.Retry(r.status(), r.error(), at, at.plus(backoff.delay(made)));
            store.record(d.id(), attempt);
            // counted once recorded: an attempt whose outcome is not in the store is made again
            switch (attempt) {
                case Attempt.Delivered x -> delivered.increment();
                case Attempt.Retry x -> failedAttempts.increment();
                case Attempt.GaveUp x -> {
                    failedAttempts.increment();
                    gaveUp.increment();
                    log.warn("webhook {} to {} ({}) failed after {} attempts: {}", d.event().id(), d.endpoint().id(),
                            d.endpoint().url(), made, r.error());
                }
            }
        } catch (RuntimeException e) {
            log.warn("webhook {} to {}: recording the attempt failed; it is sent again once its claim runs out ({}): {}",
                    d.event().id(), d.endpoint().id(), lease, e.toString());
        } finally {
            inFlight.remove(d.id());
            permits.release();
            finished.run();
        }
    }

    long delivered() {
        return delivered.sum();
    }

    long failedAttempts() {
        return failedAttempts.sum();
    }

    long gaveUp() {
        return gaveUp.sum();
    }

    int inFlight() {
        return inFlight.size();
    }

    /** Waits up to the timeout (and a second) for attempts in flight, then stops the HTTP client. */
    @Override
    public void close() {
        long waitMs = timeout.toMillis() + 1000;
        try {
            if (permits.tryAcquire(concurrency, waitMs, TimeUnit.MILLISECONDS)) {
                permits.release(concurrency);
            } else {
                log.warn("{} webhook deliveries still in flight after {} ms; they are sent again after the next start",
                        inFlight.size(), waitMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sender.close();
        }
    }
}
