package dev.shortr.config;

import java.time.Duration;

/**
 * The redirect tier.
 *
 * @param permanentCacheSeconds default browser lifetime of a 301/308 whose link sets none
 * @param cacheMaxEntries       bound of the in-memory link cache
 * @param negativeTtl           how long an unknown code is remembered as unknown
 */
public record RedirectConfig(int permanentCacheSeconds, long cacheMaxEntries, Duration negativeTtl) {
    public static RedirectConfig defaults() {
        return new RedirectConfig(3600, 2_000_000, Duration.ofSeconds(5));
    }
}
