package dev.shortr.redirect;

import dev.shortr.config.CdnConfig;
import dev.shortr.link.Link;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may keep a redirect, and for how long: a link's two lifetimes (browsers' {@code max-age}, shared caches'
 * {@code s-maxage}) and the {@code Cache-Control} value they make, built once per distinct value and shared. Pure:
 * no clock, no I/O; {@link RedirectTier} asks at fill time, and again per request only for a link close to its expiry.
 *
 * <p>Without a CDN set up ({@code cdn.enabled: false}) nothing here differs from before: a link browsers may cache is
 * {@code public, max-age=N}, anything else {@code private, max-age=0}, and no key is sent. Behind one, a link shared
 * caches may keep also carries {@code s-maxage}, {@code stale-while-revalidate}, {@code stale-if-error} and its key.
 */
final class Caching {
    static final AsciiString PRIVATE_NO_CACHE = AsciiString.cached("private, max-age=0");
    /** Distinct values kept; lifetimes are free-form, so past this many a value is built and not kept. */
    private static final int MAX_SHARED = 4096;

    /** A link's lifetimes, in seconds: {@code shared} 0 means no shared cache (CDN) keeps it. */
    record Lifetimes(int browser, int shared) {}

    private final int permanentDefault;
    private final boolean cdn;
    private final int sharedDefault;
    private final int staleWhileRevalidate;
    private final int staleIfError;
    private final boolean everyClick;
    /** {@code \r\n<key header>: link-}, to which the fast path appends the code. */
    private final byte[] keyLine;
    private final AsciiString keyName;
    private final ConcurrentHashMap<Long, AsciiString> values = new ConcurrentHashMap<>();

    Caching(int permanentDefault, CdnConfig cdn) {
        this.permanentDefault = permanentDefault;
        this.cdn = cdn.enabled();
        this.sharedDefault = (int) cdn.sharedMaxAge().toSeconds();
        this.staleWhileRevalidate = (int) cdn.staleWhileRevalidate().toSeconds();
        this.staleIfError = (int) cdn.staleIfError().toSeconds();
        this.everyClick = cdn.countEveryClick();
        String name = cdn.keyHeader().toLowerCase(Locale.ROOT);
        this.keyName = AsciiString.cached(name);
        this.keyLine = ("\r\n" + name + ": " + CdnConfig.key("")).getBytes(StandardCharsets.US_ASCII);
    }

    /** How long browsers and shared caches may keep the redirect of {@code link}. */
    Lifetimes lifetimes(Link link) {
        if (everyClick || link.maxClicks() != null) {
            return new Lifetimes(0, 0); // every click must reach shortr: to be counted, or counted against the limit
        }
        int browser = link.effectiveCacheSeconds(permanentDefault);
        if (!cdn) {
            return new Lifetimes(browser, 0);
        }
        // by default a CDN keeps what browsers may keep; a link's own cdnSeconds decides either way
        int shared = link.cdnSeconds() != null ? link.cdnSeconds() : browser > 0 ? sharedDefault : 0;
        return new Lifetimes(browser, shared);
    }

    /** The {@code Cache-Control} value of lifetimes {@code browser} and {@code shared}. */
    AsciiString value(int browser, int shared) {
        return value(browser, shared, staleWhileRevalidate, staleIfError);
    }

    /**
     * The value for a link that expires in {@code left} seconds: no cache may keep the redirect past that, stale
     * copies included, so every lifetime is cut to what is left.
     */
    AsciiString valueBefore(int browser, int shared, long left) {
        int b = (int) Math.min(browser, left);
        int s = (int) Math.min(shared, left);
        long after = left - s;
        return value(b, s, (int) Math.min(staleWhileRevalidate, after), (int) Math.min(staleIfError, after));
    }

    /** Whether {@code value(browser, shared)} would be cut short by an expiry {@code left} seconds away. */
    boolean cutBy(int browser, int shared, long left) {
        return left < browser || (shared > 0 && left < (long) shared + Math.max(staleWhileRevalidate, staleIfError));
    }

    private AsciiString value(int browser, int shared, int swr, int sie) {
        if (browser <= 0 && shared <= 0) {
            return PRIVATE_NO_CACHE;
        }
        boolean usual = shared <= 0 || (swr == staleWhileRevalidate && sie == staleIfError);
        if (!usual) { // stale windows cut short by an expiry: rare, and not worth keeping
            return new AsciiString(shareable(browser, shared, swr, sie));
        }
        // both lifetimes are at most ten years (29 bits); whether a browser-only value is public depends on cdn alone
        long id = ((long) Math.max(browser, 0) << 32) | Math.max(shared, 0);
        AsciiString known = values.get(id);
        if (known != null) {
            return known;
        }
        AsciiString v = AsciiString.cached(shared > 0 ? shareable(browser, shared, swr, sie)
                // behind a CDN a browser-only lifetime must say private, or the CDN would keep it as well
                : (cdn ? "private, max-age=" : "public, max-age=") + browser);
        if (values.size() >= MAX_SHARED) {
            return v;
        }
        AsciiString raced = values.putIfAbsent(id, v);
        return raced != null ? raced : v;
    }

    private static String shareable(int browser, int shared, int swr, int sie) {
        StringBuilder b = new StringBuilder(96).append("public, max-age=").append(browser).append(", s-maxage=").append(shared);
        if (swr > 0) {
            b.append(", stale-while-revalidate=").append(swr); // RFC 5861 §3
        }
        if (sie > 0) {
            b.append(", stale-if-error=").append(sie); // RFC 5861 §4
        }
        return b.toString();
    }

    /** The key header's name, lower case (HTTP/2 and HTTP/3 require it; HTTP/1.1 does not mind). */
    AsciiString keyName() {
        return keyName;
    }

    /** {@code \r\n<key header>: link-}: the fast path writes the code right after it. */
    byte[] keyLine() {
        return keyLine;
    }
}
