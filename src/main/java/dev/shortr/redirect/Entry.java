package dev.shortr.redirect;

import dev.shortr.link.Link;
import dev.shortr.link.Resolution;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the cache holds per code. Kept small on purpose (one cached link costs a few hundred bytes
 * including the key and Caffeine's node), because a node is expected to hold millions.
 */
sealed interface Entry {
    /** A followable (or gone) link with everything the response needs already encoded. */
    final class Target implements Entry {
        final long linkId;
        final HttpResponseStatus status;
        final byte[] location;
        final AsciiString cacheControl;
        final boolean forwardQuery;
        final long expiresAtMs;
        final long maxClicks;
        /** Clicks so far, shared across reloads; null when the link has no click limit. */
        final AtomicLong used;
        final Resolution.Reason goneBecause;
        final int cacheSeconds;
        /** False: clicks are counted but not tracked (the link's own setting). */
        final boolean track;

        Target(Link link, AsciiString cacheControl, int cacheSeconds, AtomicLong used) {
            this.linkId = link.id();
            this.status = HttpResponseStatus.valueOf(link.redirect().status());
            this.location = link.target().value().getBytes(StandardCharsets.US_ASCII);
            this.cacheControl = cacheControl;
            this.cacheSeconds = cacheSeconds;
            this.forwardQuery = link.forwardQuery();
            this.expiresAtMs = link.expiresAt() == null ? 0 : link.expiresAt().toEpochMilli();
            this.maxClicks = link.maxClicks() == null ? 0 : link.maxClicks();
            this.used = used;
            this.goneBecause = link.disabled() ? Resolution.Reason.DISABLED : null;
            this.track = link.track();
        }
    }

    /** A code the store does not know, remembered until {@code deadlineMs}. */
    record Unknown(long deadlineMs) implements Entry {}
}
