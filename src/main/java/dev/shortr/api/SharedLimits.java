package dev.shortr.api;

import io.github.bucket4j.ConsumptionProbe;

/** Rate-limit buckets that every node shares (Redis); the API's own buckets answer whenever these cannot. */
@FunctionalInterface
public interface SharedLimits {
    /**
     * Takes one token from bucket {@code id} of {@code perMinute} tokens a minute, or answers null (soon) when the
     * shared buckets cannot answer now. Called on the request's virtual thread.
     */
    ConsumptionProbe tryConsume(String id, long perMinute);
}
