package dev.shortr.redis;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Token buckets that every node shares: Bucket4j's compare-and-swap buckets in Redis over Lettuce's async API,
 * keyed {@code shortr:rl:<id>}, each expiring once it would have refilled to full (plus a margin), so clients that
 * went away leave nothing behind. A take waits at most {@code redis.timeout}; when Redis is down, or slower than
 * that, it answers null and the caller's own buckets decide. Refill is measured by each node's clock, so nodes
 * should keep theirs in sync (NTP), as they do anyway for TLS.
 */
public final class RedisBuckets {
    static final String PREFIX = "shortr:rl:";
    /** Kept past the moment a bucket is full again: a bucket read just before it expires is still there. */
    private static final Duration KEEP_FULL = Duration.ofSeconds(10);

    private final Redis redis;
    private final long timeoutMillis;
    private final Map<Long, BucketConfiguration> configurations = new ConcurrentHashMap<>();
    private volatile StatefulRedisConnection<String, byte[]> builtOn;
    private volatile AsyncProxyManager<String> buckets;

    public RedisBuckets(Redis redis) {
        this.redis = redis;
        this.timeoutMillis = redis.config().timeout().toMillis();
    }

    /**
     * Takes one token from the shared bucket {@code id} holding {@code perMinute} tokens, refilled greedily over a
     * minute, or answers null at once when Redis is down and after {@code redis.timeout} when it is slow (and then
     * counts as down until it answers pings again). Blocks the calling thread: call it from a virtual thread.
     */
    public ConsumptionProbe tryConsume(String id, long perMinute) {
        AsyncProxyManager<String> b = redis.up() ? buckets() : null;
        if (b == null) {
            return null;
        }
        BucketConfiguration c = configurations.computeIfAbsent(perMinute, n -> BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(n).refillGreedy(n, Duration.ofMinutes(1)).build()).build());
        try {
            // a changed limit (a node restarted with another config) replaces the stored one, keeping the share used
            return b.builder().withImplicitConfigurationReplacement(perMinute, TokensInheritanceStrategy.PROPORTIONALLY)
                    .build(PREFIX + id, c).tryConsumeAndReturnRemaining(1).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            redis.failed("a rate-limit check took longer than " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            redis.failed("a rate-limit check failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The proxy manager on the current command connection, or null before the first one. */
    private AsyncProxyManager<String> buckets() {
        StatefulRedisConnection<String, byte[]> c = redis.commands();
        if (c == null) {
            return null;
        }
        if (c != builtOn) {
            synchronized (this) {
                if (c != builtOn) {
                    buckets = Bucket4jLettuce.casBasedBuilder(c)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_FULL))
                            .build().asAsync();
                    builtOn = c;
                }
            }
        }
        return buckets;
    }
}
