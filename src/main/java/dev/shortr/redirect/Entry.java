package dev.shortr.redirect;

import dev.shortr.link.Link;
import dev.shortr.link.Resolution;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the cache holds per code. Kept small on purpose (one cached link costs about a hundred bytes
 * including the key and Caffeine's node), because a node is expected to hold millions.
 */
sealed interface Entry {
    /** A followable (or gone) link with everything the response needs already encoded. */
    final class Target implements Entry {
        final long linkId;
        final byte[] location;
        /** How it is answered; shared by every link answered alike (there are few such combinations). */
        final Policy policy;
        /** Null for a link with no expiry, click limit or disabled flag: most links. */
        final Limits limits;

        /*
         * 32 bytes with compressed references, against 64 with every field inline: a node holds a million of
         * these, so that is 32 MB of heap and of cache footprint on the redirect path.
         */
        Target(Link link, AsciiString cacheControl, int cacheSeconds, AtomicLong used) {
            this(link, new Caching.Headers(cacheControl, null), cacheSeconds, 0, used);
        }

        /** @param sharedSeconds how long a CDN may keep it ({@code s-maxage}); 0 for not at all */
        Target(Link link, Caching.Headers headers, int cacheSeconds, int sharedSeconds, AtomicLong used) {
            this.linkId = link.id();
            this.location = link.target().value().getBytes(StandardCharsets.US_ASCII);
            this.policy = Policy.of(HttpResponseStatus.valueOf(link.redirect().status()), headers, cacheSeconds,
                    sharedSeconds, link.forwardQuery(), link.track());
            long expiresAtMs = link.expiresAt() == null ? 0 : link.expiresAt().toEpochMilli();
            Resolution.Reason gone = link.disabled() ? Resolution.Reason.DISABLED : null;
            this.limits = expiresAtMs == 0 && used == null && gone == null ? null
                    : new Limits(expiresAtMs, link.maxClicks() == null ? 0 : link.maxClicks(), used, gone);
        }

        HttpResponseStatus status() {
            return policy.status;
        }

        AsciiString cacheControl() {
            return policy.headers.cacheControl();
        }

        /** Its caching headers, as when no expiry is near. */
        Caching.Headers headers() {
            return policy.headers;
        }

        int cacheSeconds() {
            return policy.cacheSeconds;
        }

        /** How long a CDN may keep the redirect; 0 when it may not, and then it carries no key either. */
        int sharedSeconds() {
            return policy.sharedSeconds;
        }

        boolean forwardQuery() {
            return policy.forwardQuery;
        }

        /** False: clicks are counted but not tracked (the link's own setting). */
        boolean track() {
            return policy.track;
        }

        /** When the link stops redirecting, in epoch ms; 0 for never. */
        long expiresAtMs() {
            return limits == null ? 0 : limits.expiresAtMs;
        }

        /** Clicks so far, shared across reloads; null when the link has no click limit. */
        AtomicLong used() {
            return limits == null ? null : limits.used;
        }
    }

    /** The parts of an answer many links share. Compared by value; {@link #of} hands out one instance per value. */
    record Policy(HttpResponseStatus status, Caching.Headers headers, int cacheSeconds, int sharedSeconds,
                  boolean forwardQuery, boolean track) {
        /** Beyond this many distinct policies (cache lifetimes are free-form), new ones are not shared. */
        private static final int MAX_SHARED = 4096;
        private static final java.util.concurrent.ConcurrentHashMap<Policy, Policy> SHARED =
                new java.util.concurrent.ConcurrentHashMap<>();

        static Policy of(HttpResponseStatus status, Caching.Headers headers, int cacheSeconds, int sharedSeconds,
                         boolean forwardQuery, boolean track) {
            Policy p = new Policy(status, headers, cacheSeconds, sharedSeconds, forwardQuery, track);
            Policy shared = SHARED.get(p);
            if (shared != null) {
                return shared;
            }
            if (SHARED.size() >= MAX_SHARED) {
                return p;
            }
            shared = SHARED.putIfAbsent(p, p);
            return shared != null ? shared : p;
        }
    }

    /** What can make a cached link stop redirecting. */
    record Limits(long expiresAtMs, long maxClicks, AtomicLong used, Resolution.Reason goneBecause) {}

    /**
     * A code the store has no link for, remembered until {@code deadlineMs}; {@code deleted} when it had one
     * that was deleted (410, not 404).
     */
    record Unknown(long deadlineMs, boolean deleted) implements Entry {}
}
