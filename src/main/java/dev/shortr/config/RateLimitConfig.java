package dev.shortr.config;

/**
 * Token buckets for the API (redirects are not limited). Each is "requests per minute", refilled greedily.
 *
 * @param enabled         false turns every API limit off
 * @param perKey          per API key
 * @param perIp           per client IP, for authenticated and unauthenticated API calls alike
 * @param anonymousCreate per client IP, for anonymous link creation
 */
public record RateLimitConfig(boolean enabled, long perKey, long perIp, long anonymousCreate) {
    public RateLimitConfig {
        Setting.RATE_LIMIT_PER_KEY.require(perKey);
        Setting.RATE_LIMIT_PER_IP.require(perIp);
        Setting.RATE_LIMIT_ANONYMOUS_CREATE.require(anonymousCreate);
    }

    public static RateLimitConfig defaults() {
        return new RateLimitConfig(true, 6000, 12000, 30);
    }
}
