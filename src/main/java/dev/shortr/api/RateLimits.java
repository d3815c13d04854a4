package dev.shortr.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shortr.config.RateLimitConfig;
import dev.shortr.http.Reply;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Token buckets (Bucket4j) per API key, per client IP, and per IP for anonymous creation. Buckets live in
 * a bounded cache, so a flood of new IPs costs memory only up to the bound. With {@link SharedLimits} (Redis,
 * many nodes) those are asked first, and this node's own buckets answer only while they cannot. Answers carry
 * the IETF {@code RateLimit-*} fields; rejections carry {@code Retry-After}.
 */
final class RateLimits {
    /** The result of taking one token. */
    record Verdict(boolean allowed, long limit, long remaining, long resetSeconds, long retryAfterSeconds) {
        static final Verdict UNLIMITED = new Verdict(true, 0, 0, 0, 0);

        Reply apply(Reply r) {
            if (limit == 0) {
                return r;
            }
            r.header("ratelimit-limit", Long.toString(limit))
                    .header("ratelimit-remaining", Long.toString(remaining))
                    .header("ratelimit-reset", Long.toString(resetSeconds))
                    .header("ratelimit-policy", limit + ";w=60");
            if (!allowed) {
                r.header("retry-after", Long.toString(retryAfterSeconds));
            }
            return r;
        }
    }

    private final RateLimitConfig config;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(5)).build();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    /** Buckets shared with the other nodes, asked first; null for a node alone. */
    private volatile SharedLimits shared;

    RateLimits(RateLimitConfig config) {
        this.config = config;
    }

    void share(SharedLimits shared) {
        this.shared = shared;
    }

    Verdict perKey(String keyId) {
        return take("k:" + keyId, config.perKey());
    }

    Verdict perIp(String ip) {
        return take("i:" + ip, config.perIp());
    }

    Verdict anonymousCreate(String ip) {
        return take("a:" + ip, config.anonymousCreate());
    }

    long rejected() {
        return rejected.sum();
    }

    /** Takes answered by this node's own buckets because the shared ones could not answer. */
    long fallbacks() {
        return fallbacks.sum();
    }

    private Verdict take(String id, long perMinute) {
        if (!config.enabled() || perMinute <= 0) {
            return Verdict.UNLIMITED;
        }
        SharedLimits s = shared;
        ConsumptionProbe p = s == null ? null : s.tryConsume(id, perMinute);
        if (p == null) {
            if (s != null) {
                fallbacks.increment();
            }
            Bucket b = buckets.get(id, k -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                    .build());
            p = b.tryConsumeAndReturnRemaining(1);
        }
        long nanosToFull = (perMinute - p.getRemainingTokens()) * 60_000_000_000L / perMinute;
        long reset = (nanosToFull + 999_999_999L) / 1_000_000_000L;
        if (p.isConsumed()) {
            return new Verdict(true, perMinute, p.getRemainingTokens(), reset, 0);
        }
        rejected.increment();
        long retry = Math.max(1, (p.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Verdict(false, perMinute, 0, reset, retry);
    }
}
