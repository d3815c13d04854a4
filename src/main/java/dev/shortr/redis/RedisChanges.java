package dev.shortr.redis;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tells the other nodes which link changed, on the Redis channel {@value #CHANNEL}, and hears what they changed.
 * A message is {@code <node> <seq> <sent-ms> <code>}: the sending node's random id (a node skips its own), the
 * change's sequence number (0 when unknown), when it was sent, and the code. Pub/sub keeps nothing for a node
 * that is not connected: the store's change feed is what makes a lost message whole (see
 * {@code dev.shortr.redirect.Invalidations}).
 */
public final class RedisChanges {
    public static final String CHANNEL = "shortr:changes";

    /** What another node changed. */
    @FunctionalInterface
    public interface Listener {
        /** Called on a Redis I/O thread: hand the work off, never block. */
        void changed(String code, long seq, long sentAtMillis);
    }

    private final Redis redis;
    private final String node;
    private final LongAdder published = new LongAdder();
    private final LongAdder unsent = new LongAdder();
    private final LongAdder received = new LongAdder();

    public RedisChanges(Redis redis) {
        this.redis = redis;
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        this.node = java.util.HexFormat.of().formatHex(id);
    }

    /**
     * Sends the change without waiting for Redis. Sent even while Redis counts as down (it may be back and the
     * health check not yet sure): a node that hears it is quicker, and a refused send costs nothing.
     */
    public void publish(String code, long seq) {
        var c = redis.commands();
        if (c == null) {
            unsent.increment();
            return;
        }
        byte[] message = (node + ' ' + seq + ' ' + System.currentTimeMillis() + ' ' + code).getBytes(StandardCharsets.US_ASCII);
        c.async().publish(CHANNEL, message).whenComplete((receivers, e) -> (e == null ? published : unsent).increment());
    }

    /** Hands every other node's changes to {@code listener}, from now on and after every reconnect. */
    public void subscribe(Listener listener) {
        redis.subscribe(CHANNEL, message -> {
            String[] f = message.split(" ", 4);
            if (f.length != 4 || f[0].equals(node)) {
                return; // ours, or not from a shortr node
            }
            try {
                long seq = Long.parseLong(f[1]);
                long sent = Long.parseLong(f[2]);
                received.increment();
                listener.changed(f[3], seq, sent);
            } catch (NumberFormatException e) {
                // not from a shortr node: nothing to invalidate
            }
        });
    }

    /** Changes sent to Redis. */
    public long published() {
        return published.sum();
    }

    /** Changes that could not be sent (Redis down); the other nodes find them in the change feed. */
    public long unsent() {
        return unsent.sum();
    }

    /** Changes heard from other nodes. */
    public long received() {
        return received.sum();
    }
}
