package dev.shortr.visit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The bounded hand-off between the redirect hot path and the aggregator. {@link #offer} never blocks and
 * never wakes anybody: it claims a slot with one CAS and writes the click's fields into it; when the ring is
 * full the click is dropped and the drop is counted. The single consumer polls the ring on its own schedule.
 *
 * <p>The ring is a set of parallel arrays (a slot per index in each), not a queue of objects: the hot path
 * allocates nothing for a click, and a click waiting in the ring is a few longs rather than an object. When
 * the aggregator falls behind on a busy core, a queue of objects kept tens of thousands of clicks alive
 * across young collections, which promoted them by the megabyte into the old generation and ended in full
 * collections. Each slot has a sequence number (as in the LMAX Disruptor): a producer publishes its slot by
 * setting it, with release semantics, after the fields; the consumer reads the fields only after seeing it.
 */
public final class ClickQueue {
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

    private final int capacity;
    private final int mask;
    /** Slot i holds the click numbered {@code n} (counting from 0) once {@code sequence[i] == n + 1}. */
    private final long[] sequence;
    private final long[] linkIds;
    private final long[] times;
    private final int[] flags;
    private final InetAddress[] ips;
    private final String[] agents;
    private final String[] referers;
    private final String[] forwardedFors;
    /** Clicks claimed so far: the next producer takes number {@code tail}. */
    private final AtomicLong tail = new AtomicLong();
    /** Clicks consumed so far; written by the consumer only (an object of its own: no false sharing with the arrays). */
    private final AtomicLong head = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    public ClickQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("click queue capacity must be positive");
        }
        this.capacity = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.mask = this.capacity - 1;
        this.sequence = new long[this.capacity];
        this.linkIds = new long[this.capacity];
        this.times = new long[this.capacity];
        this.flags = new int[this.capacity];
        this.ips = new InetAddress[this.capacity];
        this.agents = new String[this.capacity];
        this.referers = new String[this.capacity];
        this.forwardedFors = new String[this.capacity];
    }

    /** Non-blocking; returns false (and counts a drop) when full. */
    public boolean offer(Click click) {
        return offer(click.linkId(), click.epochMs(), click.flags(), click.ip(), click.userAgent(), click.referer(),
                click.forwardedFor());
    }

    /** As {@link #offer(Click)}, field by field: what the hot path calls, so that it allocates nothing. */
    public boolean offer(long linkId, long epochMs, int flags, InetAddress ip, String userAgent, String referer,
                         String forwardedFor) {
        long n;
        do {
            n = tail.get();
            if (n - head.get() >= capacity) {
                dropped.increment();
                return false;
            }
        } while (!tail.compareAndSet(n, n + 1));
        int i = (int) n & mask;
        linkIds[i] = linkId;
        times[i] = epochMs;
        this.flags[i] = flags;
        ips[i] = ip;
        agents[i] = userAgent;
        referers[i] = referer;
        forwardedFors[i] = forwardedFor;
        SEQUENCE.setRelease(sequence, i, n + 1);
        accepted.increment();
        return true;
    }

    /**
     * Hands up to {@code max} queued clicks to {@code sink}, oldest first, and frees their slots; consumer
     * thread only. Stops early at a slot claimed but not yet written, which the next drain picks up.
     */
    int drain(Consumer<Click> sink, int max) {
        long h = head.get();
        int n = 0;
        while (n < max) {
            int i = (int) h & mask;
            if ((long) SEQUENCE.getAcquire(sequence, i) != h + 1) {
                break;
            }
            Click c = new Click(linkIds[i], times[i], flags[i], ips[i], agents[i], referers[i], forwardedFors[i]);
            ips[i] = null; // the strings may be large: not kept alive until the slot comes round again
            agents[i] = null;
            referers[i] = null;
            forwardedFors[i] = null;
            h++;
            head.setRelease(h); // frees the slot, after the reads and clears above, before the sink runs (it may be slow)
            n++;
            sink.accept(c);
        }
        return n;
    }

    public int depth() {
        return (int) Math.max(0, Math.min(capacity, tail.get() - head.get()));
    }

    /** The bound, rounded up to a power of two. */
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
