package dev.shortr.link;

import java.time.Instant;
import java.util.List;

/**
 * What a client asks for when creating a link. Only {@code url} is required.
 *
 * @param reuse when true, an existing link of the same owner with the same target is returned instead
 * @param track      false records nothing about the link's visitors (null: tracked)
 * @param cdnSeconds a CDN's lifetime of the redirect (null: the node's default)
 */
public record LinkSpec(String url, String code, Integer redirect, Integer cacheSeconds, Boolean forwardQuery,
                       Instant expiresAt, Long maxClicks, List<String> tags, String title, Boolean reuse, Boolean track,
                       Integer cdnSeconds) {
    /** The node's default CDN lifetime. */
    public LinkSpec(String url, String code, Integer redirect, Integer cacheSeconds, Boolean forwardQuery, Instant expiresAt,
                    Long maxClicks, List<String> tags, String title, Boolean reuse, Boolean track) {
        this(url, code, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title, reuse, track, null);
    }

    /** Tracked. */
    public LinkSpec(String url, String code, Integer redirect, Integer cacheSeconds, Boolean forwardQuery, Instant expiresAt,
                    Long maxClicks, List<String> tags, String title, Boolean reuse) {
        this(url, code, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title, reuse, null);
    }

    public static LinkSpec of(String url) {
        return new LinkSpec(url, null, null, null, null, null, null, null, null, null, null, null);
    }
}
