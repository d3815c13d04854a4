package dev.shortr.redirect;

import dev.shortr.config.CdnConfig;
import dev.shortr.link.Link;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may keep a redirect, and for how long: a link's two lifetimes (browsers' {@code max-age}, shared caches'
 * {@code s-maxage}) and the headers they make, built once per distinct pair and shared. Pure: no clock, no I/O;
 * {@link RedirectTier} asks at fill time, and again per request only for a link close to its expiry.
 *
 * <p>Without a CDN set up ({@code cdn.enabled: false}) nothing here differs from before: a link browsers may cache is
 * {@code public, max-age=N}, anything else {@code private, max-age=0}, and no key is sent. Behind one, a link shared
 * caches may keep also carries its CDN lifetime, {@code stale-while-revalidate}, {@code stale-if-error} and its key:
 * in {@code Cache-Control} as {@code s-maxage} (Varnish, nginx), or in a header only CDNs read
 * ({@code cdn.lifetimeHeader}: Fastly's {@code Surrogate-Control}, RFC 9213's {@code CDN-Cache-Control}), leaving
 * {@code Cache-Control} to browsers.
 */
final class Caching {
    static final AsciiString PRIVATE_NO_CACHE = AsciiString.cached("private, max-age=0");
    /** Distinct values kept; lifetimes are free-form, so past this many a value is built and not kept. */
    private static final int MAX_SHARED = 4096;

    /** A link's lifetimes, in seconds: {@code shared} 0 means no shared cache (CDN) keeps it. */
    record Lifetimes(int browser, int shared) {}

    /** The headers of one answer: {@code Cache-Control}, and the CDN's own lifetime header, or null for none. */
    record Headers(AsciiString cacheControl, AsciiString cdn) {}

    static final Headers PRIVATE = new Headers(PRIVATE_NO_CACHE, null);

    private final int permanentDefault;
    private final boolean enabled;
    private final int sharedDefault;
    private final int staleWhileRevalidate;
    private final int staleIfError;
    private final boolean everyClick;
    /** True when the CDN lifetime goes in a header of its own rather than in Cache-Control. */
    private final boolean targeted;
    /** {@code \r\n<key header>: link-}, to which the fast path appends the code. */
    private final byte[] keyLine;
    private final AsciiString keyName;
    /** {@code \r\n<lifetime header>: }, when {@link #targeted}. */
    private final byte[] lifetimeLine;
    private final AsciiString lifetimeName;
    private final ConcurrentHashMap<Long, Headers> values = new ConcurrentHashMap<>();

    Caching(int permanentDefault, CdnConfig cdn) {
        this.permanentDefault = permanentDefault;
        this.enabled = cdn.enabled();
        this.sharedDefault = (int) cdn.sharedMaxAge().toSeconds();
        this.staleWhileRevalidate = (int) cdn.staleWhileRevalidate().toSeconds();
        this.staleIfError = (int) cdn.staleIfError().toSeconds();
        this.everyClick = cdn.countEveryClick();
        String key = cdn.keyHeader().toLowerCase(Locale.ROOT);
        this.keyName = AsciiString.cached(key);
        this.keyLine = ("\r\n" + key + ": " + CdnConfig.key("")).getBytes(StandardCharsets.US_ASCII);
        String lifetime = cdn.lifetimeHeader().toLowerCase(Locale.ROOT);
        this.targeted = !lifetime.equals("cache-control");
        this.lifetimeName = AsciiString.cached(lifetime);
        this.lifetimeLine = ("\r\n" + lifetime + ": ").getBytes(StandardCharsets.US_ASCII);
    }

    /** How long browsers and shared caches may keep the redirect of {@code link}. */
    Lifetimes lifetimes(Link link) {
        if (everyClick || link.maxClicks() != null) {
            return new Lifetimes(0, 0); // every click must reach shortr: to be counted, or counted against the limit
        }
        int browser = link.effectiveCacheSeconds(permanentDefault);
        if (!enabled) {
            return new Lifetimes(browser, 0);
        }
        // by default a CDN keeps what browsers may keep; a link's own cdnSeconds decides either way
        int shared = link.cdnSeconds() != null ? link.cdnSeconds() : browser > 0 ? sharedDefault : 0;
        return new Lifetimes(browser, shared);
    }

    /** The headers of lifetimes {@code browser} and {@code shared}. */
    Headers headers(int browser, int shared) {
        return headers(browser, shared, staleWhileRevalidate, staleIfError);
    }

    /**
     * The headers for a link that expires in {@code left} seconds: no cache may keep the redirect past that, stale
     * copies included, so every lifetime is cut to what is left.
     */
    Headers headersBefore(int browser, int shared, long left) {
        int b = (int) Math.min(browser, left);
        int s = (int) Math.min(shared, left);
        long after = left - s;
        return headers(b, s, (int) Math.min(staleWhileRevalidate, after), (int) Math.min(staleIfError, after));
    }

    /** Whether {@code headers(browser, shared)} would be cut short by an expiry {@code left} seconds away. */
    boolean cutBy(int browser, int shared, long left) {
        return left < browser || (shared > 0 && left < (long) shared + Math.max(staleWhileRevalidate, staleIfError));
    }

    private Headers headers(int browser, int shared, int swr, int sie) {
        if (browser <= 0 && shared <= 0) {
            return PRIVATE;
        }
        boolean usual = shared <= 0 || (swr == staleWhileRevalidate && sie == staleIfError);
        if (!usual) { // stale windows cut short by an expiry: rare, and not worth keeping
            return build(browser, shared, swr, sie);
        }
        // both lifetimes are at most ten years (29 bits)
        long id = ((long) Math.max(browser, 0) << 32) | Math.max(shared, 0);
        Headers known = values.get(id);
        if (known != null) {
            return known;
        }
        Headers h = build(browser, shared, swr, sie);
        if (values.size() >= MAX_SHARED) {
            return h;
        }
        Headers raced = values.putIfAbsent(id, h);
        return raced != null ? raced : h;
    }

    private Headers build(int browser, int shared, int swr, int sie) {
        if (shared <= 0) {
            // behind a CDN a browser-only lifetime must say private, or the CDN would keep it as well
            return new Headers(AsciiString.cached((enabled ? "private, max-age=" : "public, max-age=") + browser), null);
        }
        String stale = (swr > 0 ? ", stale-while-revalidate=" + swr : "") // RFC 5861 §3
                + (sie > 0 ? ", stale-if-error=" + sie : ""); // RFC 5861 §4
        if (targeted) { // RFC 9213: the CDN reads its own header and leaves Cache-Control to browsers
            return new Headers(AsciiString.cached("public, max-age=" + browser), AsciiString.cached("max-age=" + shared + stale));
        }
        return new Headers(AsciiString.cached("public, max-age=" + browser + ", s-maxage=" + shared + stale), null);
    }

    /** The key header's name, lower case (HTTP/2 and HTTP/3 require it; HTTP/1.1 does not mind). */
    AsciiString keyName() {
        return keyName;
    }

    /** {@code \r\n<key header>: link-}: the fast path writes the code right after it. */
    byte[] keyLine() {
        return keyLine;
    }

    /** The CDN lifetime header's name, lower case; only used when {@link Headers#cdn} is not null. */
    AsciiString lifetimeName() {
        return lifetimeName;
    }

    /** {@code \r\n<lifetime header>: }: the fast path writes {@link Headers#cdn} right after it. */
    byte[] lifetimeLine() {
        return lifetimeLine;
    }
}
