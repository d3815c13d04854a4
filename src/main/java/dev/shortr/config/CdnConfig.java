package dev.shortr.config;

import java.time.Duration;

/**
 * shortr behind a shared cache (Varnish, nginx, Fastly, Cloudflare): the lifetimes and the surrogate key cacheable
 * redirects carry, and where purges go when a link changes (docs/edge.md). Off by default: redirects then carry
 * the same headers as without a CDN, and nothing is purged.
 *
 * @param enabled              cacheable redirects carry {@code s-maxage}, {@code stale-while-revalidate},
 *                             {@code stale-if-error} and a key header
 * @param sharedMaxAge         {@code s-maxage} of a cacheable link that sets no {@code cdnSeconds}, in whole seconds
 * @param staleWhileRevalidate how long past {@code s-maxage} a cache may answer while it refetches in the background
 * @param staleIfError         how long past {@code s-maxage} a cache may answer while shortr cannot
 * @param keyHeader            the response header naming the link's key ({@code Surrogate-Key}, {@code Cache-Tag}, {@code xkey})
 * @param lifetimeHeader       where the CDN's lifetime goes: {@code Cache-Control} (as {@code s-maxage}), or a header
 *                             only CDNs read ({@code Surrogate-Control}, {@code CDN-Cache-Control}), which leaves
 *                             {@code Cache-Control} to browsers
 * @param countEveryClick      every redirect is {@code private, max-age=0}: no shared or browser cache keeps one, so
 *                             every click reaches shortr and is counted
 * @param purge                where purges go
 */
public record CdnConfig(boolean enabled, Duration sharedMaxAge, Duration staleWhileRevalidate, Duration staleIfError,
                        String keyHeader, String lifetimeHeader, boolean countEveryClick, PurgeConfig purge) {
    public CdnConfig {
        Setting.CDN_SHARED_MAX_AGE.require(sharedMaxAge);
        Setting.CDN_STALE_WHILE_REVALIDATE.require(staleWhileRevalidate);
        Setting.CDN_STALE_IF_ERROR.require(staleIfError);
        Setting.CDN_KEY_HEADER.require(keyHeader);
        Setting.CDN_LIFETIME_HEADER.require(lifetimeHeader);
        if (purge == null) {
            throw new IllegalArgumentException("cdn.purge is required");
        }
    }

    public static CdnConfig defaults() {
        return new CdnConfig(false, Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofDays(1), "Surrogate-Key", "Cache-Control",
                false, PurgeConfig.defaults());
    }

    /** The surrogate key of the link with code {@code code}: what its redirects carry and what a purge names. */
    public static String key(String code) {
        return "link-" + code;
    }
}
