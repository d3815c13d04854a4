package dev.shortr.config;

/**
 * Token buckets for the API (redirects are not limited). Each is "requests per minute", refilled greedily.
 *
 * @param perKey        per API key
 * @param perIp         per client IP, for authenticated and unauthenticated API calls alike
 * @param anonymousCreate per client IP, for anonymous link creation
 */
public record RateLimitConfig(boolean enabled, long perKey, long perIp, long anonymousCreate) {
    public static RateLimitConfig defaults() {
        return new RateLimitConfig(true, 6000, 12000, 30);
    }
}
