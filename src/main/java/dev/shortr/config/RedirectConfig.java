package dev.shortr.config;

import java.time.Duration;

/**
 * The redirect tier.
 *
 * @param permanentCacheSeconds default browser lifetime of a 301/308 whose link sets none, up to a year
 * @param cacheMaxEntries       bound of the in-memory link cache
 * @param negativeTtl           how long an unknown code is remembered as unknown; 0 forgets at once
 */
public record RedirectConfig(int permanentCacheSeconds, long cacheMaxEntries, Duration negativeTtl) {
    public RedirectConfig {
        Setting.REDIRECT_PERMANENT_CACHE_SECONDS.require(permanentCacheSeconds);
        Setting.REDIRECT_CACHE_MAX_ENTRIES.require(cacheMaxEntries);
        Setting.REDIRECT_NEGATIVE_TTL.require(negativeTtl);
    }

    public static RedirectConfig defaults() {
        return new RedirectConfig(3600, 2_000_000, Duration.ofSeconds(5));
    }
}
