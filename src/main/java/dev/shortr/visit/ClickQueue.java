package dev.shortr.visit;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded hand-off between the redirect hot path and the aggregator. {@link #offer} never blocks: when
 * the queue is full, the click is dropped and the drop is counted.
 */
public final class ClickQueue {
    private final BlockingQueue<Click> queue;
    private final int capacity;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public ClickQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("click queue capacity must be positive");
        }
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Non-blocking; returns false (and counts a drop) when full. */
    public boolean offer(Click click) {
        if (queue.offer(click)) {
            accepted.increment();
            return true;
        }
        dropped.increment();
        return false;
    }

    Click poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    int drainTo(java.util.Collection<Click> sink, int max) {
        return queue.drainTo(sink, max);
    }

    public int depth() {
        return queue.size();
    }

    public int capacity() {
        return capacity;
    }

    public long accepted() {
        return accepted.sum();
    }

    public long dropped() {
        return dropped.sum();
    }
}
