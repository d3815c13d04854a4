package dev.shortr.visit;

import java.net.InetAddress;

/**
 * One accepted redirect (or HEAD), as the hot path saw it: no parsing or lookups here, the aggregator enriches
 * it off the event loop. Header values are the raw strings, or null when the request had none.
 *
 * @param linkId    the store id of the link (codes can be deleted and reused; ids cannot)
 * @param epochMs   when the redirect was answered
 * @param flags     {@link #HEAD}, {@link #PRIVATE}
 * @param ip        the peer's address (a proxy's, when behind one; see {@code forwardedFor})
 * @param userAgent the {@code User-Agent} header
 * @param referer   the {@code Referer} header
 * @param forwardedFor the {@code X-Forwarded-For} header, kept only when proxies are trusted
 */
public record Click(long linkId, long epochMs, int flags, InetAddress ip, String userAgent, String referer,
                    String forwardedFor) {
    /** A HEAD request: counted apart, never as a click. */
    public static final int HEAD = 1;
    /** The visitor asked not to be tracked ({@code DNT: 1} or {@code Sec-GPC: 1}). */
    public static final int PRIVATE = 2;
    /** The link is set not to be tracked. */
    public static final int UNTRACKED = 4;

    /** A bare click with nothing known about the visitor (tests, replays). */
    public Click(long linkId, long epochMs) {
        this(linkId, epochMs, 0, null, null, null, null);
    }

    public boolean head() {
        return (flags & HEAD) != 0;
    }

    public boolean asksPrivacy() {
        return (flags & PRIVATE) != 0;
    }

    public boolean untracked() {
        return (flags & UNTRACKED) != 0;
    }
}
