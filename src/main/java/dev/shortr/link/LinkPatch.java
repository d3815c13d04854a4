package dev.shortr.link;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A partial update with merge-patch semantics: a null component leaves the field alone, and
 * {@code Optional.empty()} clears a field that may be absent.
 */
public record LinkPatch(String url, Integer redirect, Optional<Integer> cacheSeconds, Boolean forwardQuery,
                        Optional<Instant> expiresAt, Optional<Long> maxClicks, List<String> tags,
                        Optional<String> title, Boolean disabled, Boolean track, Optional<Integer> cdnSeconds) {
    public static final LinkPatch NONE = new LinkPatch(null, null, null, null, null, null, null, null, null, null, null);

    /** Leaves the CDN lifetime as it is. */
    public LinkPatch(String url, Integer redirect, Optional<Integer> cacheSeconds, Boolean forwardQuery,
                     Optional<Instant> expiresAt, Optional<Long> maxClicks, List<String> tags, Optional<String> title,
                     Boolean disabled, Boolean track) {
        this(url, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title, disabled, track, null);
    }

    /** Leaves tracking as it is. */
    public LinkPatch(String url, Integer redirect, Optional<Integer> cacheSeconds, Boolean forwardQuery,
                     Optional<Instant> expiresAt, Optional<Long> maxClicks, List<String> tags, Optional<String> title,
                     Boolean disabled) {
        this(url, redirect, cacheSeconds, forwardQuery, expiresAt, maxClicks, tags, title, disabled, null);
    }
}
