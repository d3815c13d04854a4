package dev.shortr.visit;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jctools.queues.MpscArrayQueue;

/**
 * The bounded hand-off between the redirect hot path and the aggregator. {@link #offer} never blocks and
 * never wakes anybody: it is one CAS into a lock-free multi-producer/single-consumer ring (JCTools). When
 * the ring is full the click is dropped and the drop is counted. The single consumer polls the ring on
 * its own schedule; an {@code ArrayBlockingQueue} here cost a lock and a futex wake-up per click, which
 * on a one-core budget meant a context switch per redirect.
 */
public final class ClickQueue {
    private final MpscArrayQueue<Click> queue;
    private final int capacity;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public ClickQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("click queue capacity must be positive");
        }
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.capacity = queue.capacity();
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

    /** Hands up to {@code max} queued clicks to {@code sink}; consumer thread only. */
    int drain(Consumer<Click> sink, int max) {
        return queue.drain(sink::accept, max);
    }

    public int depth() {
        return queue.size();
    }

    /** The bound, rounded up to a power of two by the ring. */
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
