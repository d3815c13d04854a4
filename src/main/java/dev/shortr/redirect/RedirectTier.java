package dev.shortr.redirect;

import dev.shortr.config.CdnConfig;
import dev.shortr.config.RedirectConfig;
import dev.shortr.http.DecodedHead;
import dev.shortr.http.FastPath;
import dev.shortr.http.HttpDate;
import dev.shortr.http.Negotiation;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.RequestHead;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Page;
import dev.shortr.link.Resolution;
import dev.shortr.link.ShortCode;
import dev.shortr.link.StoreException;
import dev.shortr.visit.Click;
import dev.shortr.visit.ClickQueue;
import dev.shortr.visit.ClickStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET|HEAD /{code}}. A cache hit is served on the event loop from pre-encoded values and
 * costs one queue offer for the click; a miss falls through to the router, whose {@code /{code}} route
 * runs {@link #handle} on a virtual thread and fills the cache. Unknown codes are cached briefly too, so a
 * scan of random codes does not reach the store at line rate.
 */
public final class RedirectTier implements FastPath {
    private static final Logger log = LoggerFactory.getLogger(RedirectTier.class);
    private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
    private static final AsciiString X_ROBOTS_TAG = AsciiString.cached("x-robots-tag");
    private static final AsciiString NOINDEX = AsciiString.cached("noindex");
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static final AsciiString SERVER = AsciiString.cached("shortr");
    private static final AsciiString NO_STORE = AsciiString.cached("no-store");
    private static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    private static final AsciiString CSP = AsciiString.cached("content-security-policy");
    private static final AsciiString SERVER_TIMING = AsciiString.cached("server-timing");
    private static final AsciiString PAGE_CSP = AsciiString.cached(Pages.CSP);
    private static final AsciiString X_FRAME_OPTIONS = AsciiString.cached("x-frame-options");
    private static final AsciiString DENY = AsciiString.cached("DENY");
    private static final AsciiString PROBLEM = AsciiString.cached(Problem.MEDIA_TYPE);

    private final LinkStore store;
    private final ClickStore clickStore;
    private final ClickQueue clicks;
    private final boolean details;
    private final RedirectConfig config;
    private final String publicUrl;
    private final boolean keepForwardedFor;
    private final EntryCache cache;
    /** One lookup key per event-loop thread, refilled for each request. */
    private static final FastThreadLocal<CodeKey.Probe> PROBE = new FastThreadLocal<>() {
        @Override
        protected CodeKey.Probe initialValue() {
            return CodeKey.probe();
        }
    };
    /** True when the cache is size-bounded by Caffeine; false when it holds all links, guarded by {@link #full}. */
    private final boolean evicting;
    private final LongAdder overflow = new LongAdder();
    private volatile boolean unknownSince;
    /** Click counters of links with a click limit, by link id; survive cache reloads. */
    private final Map<Long, AtomicLong> usage = new ConcurrentHashMap<>();
    private final Caching caching;

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder heads = new LongAdder();
    private static final int[] COUNTED = {301, 302, 307, 308, 404, 410};
    /** Answers by status, indexed like {@link #COUNTED}: an array, so counting boxes nothing. */
    private final LongAdder[] byStatus = new LongAdder[COUNTED.length];

    /**
     * @param clicks    the click queue, or null when click counting is off
     * @param publicUrl base of short URLs, or null to use the request's Host
     */
    public RedirectTier(LinkStore store, ClickStore clickStore, ClickQueue clicks, RedirectConfig config, String publicUrl) {
        this(store, clickStore, clicks, config, publicUrl, false);
    }

    /** @param keepForwardedFor queue each click's {@code X-Forwarded-For}, for a node behind trusted proxies */
    public RedirectTier(LinkStore store, ClickStore clickStore, ClickQueue clicks, RedirectConfig config, String publicUrl,
                        boolean keepForwardedFor) {
        this(store, clickStore, clicks, config, publicUrl, keepForwardedFor, true);
    }

    /**
     * @param details queue each click's visitor details (address, agent, referrer, privacy headers) for analytics;
     *                false queues only which link and when, for a node that only counts
     */
    public RedirectTier(LinkStore store, ClickStore clickStore, ClickQueue clicks, RedirectConfig config, String publicUrl,
                        boolean keepForwardedFor, boolean details) {
        this(store, clickStore, clicks, config, publicUrl, keepForwardedFor, details, CdnConfig.defaults());
    }

    /** @param cdn what a CDN in front may keep: its lifetimes and key header go on cacheable redirects */
    public RedirectTier(LinkStore store, ClickStore clickStore, ClickQueue clicks, RedirectConfig config, String publicUrl,
                        boolean keepForwardedFor, boolean details, CdnConfig cdn) {
        this.caching = new Caching(config.permanentCacheSeconds(), cdn);
        this.details = details;
        this.keepForwardedFor = keepForwardedFor;
        this.store = store;
        this.clickStore = clickStore;
        this.clicks = clicks;
        this.config = config;
        this.publicUrl = publicUrl;
        // When every link fits, the cache holds them all and evicts nothing: a flat table of packed codes
        // (CodeTable), no object per key. A size-bounded Caffeine reorders its access deques on reads, and on a heap with
        // millions of old-generation entries those pointer writes dirty cards all over the old generation:
        // every young collection then rescans most of it (measured: ~30 ms pauses at 1M links). Only a
        // store larger than the bound needs W-TinyLFU eviction, and pays that price.
        long links = store.count();
        this.evicting = links > config.cacheMaxEntries() / 2;
        this.cache = evicting ? EntryCache.evicting(config.cacheMaxEntries())
                : new CodeTable((int) Math.min(config.cacheMaxEntries(), links + links / 4 + 1024));
        log.info("redirect cache: {} ({} links in the store, bound {})", evicting ? "evicting (W-TinyLFU)" : "holding every link",
                links, config.cacheMaxEntries());
        for (int i = 0; i < byStatus.length; i++) {
            byStatus[i] = new LongAdder();
        }
    }

    // ---- the event-loop path -------------------------------------------------------------------------

    /** The cache key of the code in {@code path}, which ends at {@code end} (a reused probe: valid until the next call). */
    private static CodeKey keyOf(CharSequence path, int end) {
        long packed = CodeKey.pack(path, 1, end);
        if (packed != 0) {
            CodeKey.Probe probe = PROBE.get();
            probe.setPacked(packed);
            return probe;
        }
        return CodeKey.of(path.subSequence(1, end));
    }

    @Override
    public int tryServe(ChannelHandlerContext objects, ChannelHandlerContext wire, RequestHead req) {
        long start = serverTiming ? System.nanoTime() : 0;
        CharSequence path = req.pathChars();
        int end = codeEnd(path);
        if (end < 0) {
            return 0;
        }
        CodeKey key = keyOf(path, end);
        Entry e = cache.getIfPresent(key);
        if (e == null) {
            misses.increment();
            return 0;
        }
        long now = System.currentTimeMillis();
        boolean head = req.isHead();
        if (e instanceof Entry.Unknown u) {
            if (now >= u.deadlineMs()) {
                cache.remove(key, u);
                misses.increment();
                return 0;
            }
            hits.increment();
            writeError(objects, req, key.code(), u.deleted() ? Resolution.Reason.DELETED : null, start);
            return u.deleted() ? 410 : 404;
        }
        hits.increment();
        Entry.Target t = (Entry.Target) e;
        Resolution.Reason gone = admit(t, now, head);
        if (gone != null) {
            writeError(objects, req, key.code(), gone, start);
            return 410;
        }
        count(t.status().code(), head);
        recordClick(t, now, head, req);
        writeRedirect(wire, t, t.forwardQuery() ? req.rawQuery() : null, now, req.keepAlive(), req.http10(), req.responseHeaders(),
                start, path, end);
        return t.status().code();
    }

    /**
     * HTTP/2's and HTTP/3's fast path: the same lookup, limits, counters and click as {@link #tryServe(ChannelHandlerContext,
     * ChannelHandlerContext, RequestHead)}, answered as a HEADERS frame on the request's stream; a miss returns 0
     * before anything is counted, and the router's {@code /{code}} route takes over.
     */
    @Override
    public int tryServe(DecodedHead req) {
        long start = serverTiming ? System.nanoTime() : 0;
        CharSequence path = req.pathChars();
        int end = codeEnd(path);
        if (end < 0) {
            return 0;
        }
        CodeKey key = keyOf(path, end);
        Entry e = cache.getIfPresent(key);
        if (e == null) {
            misses.increment();
            return 0;
        }
        long now = System.currentTimeMillis();
        boolean head = req.isHead();
        if (e instanceof Entry.Unknown u) {
            if (now >= u.deadlineMs()) {
                cache.remove(key, u);
                misses.increment();
                return 0;
            }
            hits.increment();
            int status = u.deleted() ? 410 : 404;
            count(status, head);
            req.send(timed(error(key.code(), u.deleted() ? Resolution.Reason.DELETED : null,
                    Negotiation.prefersJson(req.header(H_ACCEPT))), start));
            return status;
        }
        hits.increment();
        Entry.Target t = (Entry.Target) e;
        Resolution.Reason gone = admit(t, now, head);
        if (gone != null) {
            count(410, head);
            req.send(timed(error(key.code(), gone, Negotiation.prefersJson(req.header(H_ACCEPT))), start));
            return 410;
        }
        count(t.status().code(), head);
        recordClick(t, now, head, req);
        Caching.Headers h = headers(t, now);
        req.sendRedirect(t.status(), location(t, req.rawQuery()), h.cacheControl(),
                more(t, h, path.subSequence(1, end).toString()),
                start == 0 ? null : dev.shortr.http.Dispatcher.serverTiming(System.nanoTime() - start));
        return t.status().code();
    }

    private static Reply timed(Reply reply, long start) {
        return start == 0 ? reply : reply.header("server-timing", dev.shortr.http.Dispatcher.serverTiming(System.nanoTime() - start));
    }

    /**
     * Encodes the redirect by hand from pre-built byte runs into one pooled buffer, and writes it past the
     * response encoder: no response object, no header map, no per-request garbage beyond the request's own.
     */
    private void writeRedirect(ChannelHandlerContext wire, Entry.Target t, String rawQuery, long now, boolean keepAlive,
                               boolean http10, byte[] connectionHeaders, long start, CharSequence path, int codeEnd) {
        Caching.Headers h = headers(t, now);
        CharSequence cc = h.cacheControl();
        byte[] date = HttpDate.bytes();
        boolean forward = t.forwardQuery() && rawQuery != null && !rawQuery.isEmpty();
        boolean shared = t.sharedSeconds() > 0;
        int size = 200 + t.location.length + cc.length() + date.length + connectionHeaders.length
                + (forward ? rawQuery.length() + 1 : 0) + (shared ? caching.keyLine().length + codeEnd : 0)
                + (h.cdn() != null ? caching.lifetimeLine().length + h.cdn().length() : 0);
        ByteBuf buf = wire.alloc().ioBuffer(size);
        buf.writeBytes(Wire.STATUS_AND_LOCATION[Wire.slot(t.status().code())]);
        if (forward) {
            ByteBufUtil.writeAscii(buf, location(t, rawQuery));
        } else {
            buf.writeBytes(t.location);
        }
        buf.writeBytes(Wire.CACHE_CONTROL);
        ByteBufUtil.writeAscii(buf, cc);
        if (h.cdn() != null) { // the CDN's lifetime in a header of its own (Surrogate-Control, CDN-Cache-Control)
            buf.writeBytes(caching.lifetimeLine());
            ByteBufUtil.writeAscii(buf, h.cdn());
        }
        if (shared) { // the CDN's key, link-<code>: the code as the request spelled it, which is the code (case-sensitive)
            buf.writeBytes(caching.keyLine());
            for (int i = 1; i < codeEnd; i++) {
                buf.writeByte(path.charAt(i));
            }
        }
        buf.writeBytes(Wire.FIXED);
        buf.writeBytes(date);
        buf.writeBytes(connectionHeaders); // HSTS on HTTPS; nothing on cleartext
        if (start != 0) {
            buf.writeBytes(Wire.SERVER_TIMING);
            Wire.writeMillis(buf, System.nanoTime() - start);
        }
        if (!keepAlive) {
            buf.writeBytes(Wire.END_CLOSE);
            wire.writeAndFlush(buf).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        buf.writeBytes(http10 ? Wire.END_KEEP_ALIVE : Wire.END);
        wire.write(buf, wire.voidPromise()); // flushed in channelReadComplete, batching pipelined replies
    }

    /** The code in {@code /code} or {@code /code/}, or null when the path cannot be a redirect. */
    static String codeOf(CharSequence path) {
        int end = codeEnd(path);
        return end < 0 ? null : path.subSequence(1, end).toString();
    }

    /** Where the code in {@code /code} or {@code /code/} ends (it starts at 1), or -1. */
    private static int codeEnd(CharSequence path) {
        int end = path.length();
        if (end > 2 && path.charAt(end - 1) == '/') {
            end--;
        }
        if (end < 2 || end - 1 > ShortCode.MAX_LENGTH || path.charAt(0) != '/') {
            return -1;
        }
        for (int i = 1; i < end; i++) {
            char c = path.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return -1;
            }
        }
        return end;
    }

    /** Null when the redirect may proceed (and, for a GET of a limited link, consumes one click). */
    private static Resolution.Reason admit(Entry.Target t, long now, boolean head) {
        Entry.Limits limits = t.limits;
        if (limits == null) {
            return null; // most links: nothing can stop them
        }
        if (limits.goneBecause() != null) {
            return limits.goneBecause();
        }
        if (limits.expiresAtMs() != 0 && now >= limits.expiresAtMs()) {
            return Resolution.Reason.EXPIRED;
        }
        AtomicLong used = limits.used();
        if (used != null) {
            if (head) {
                return used.get() >= limits.maxClicks() ? Resolution.Reason.EXHAUSTED : null;
            }
            // claim a click atomically; never overshoot the limit under concurrency
            long n;
            do {
                n = used.get();
                if (n >= limits.maxClicks()) {
                    return Resolution.Reason.EXHAUSTED;
                }
            } while (!used.compareAndSet(n, n + 1));
        }
        return null;
    }

    private static CharSequence location(Entry.Target t, String rawQuery) {
        if (!t.forwardQuery() || rawQuery == null || rawQuery.isEmpty()) {
            return new AsciiString(t.location, false);
        }
        String target = new String(t.location, StandardCharsets.US_ASCII);
        int hash = target.indexOf('#');
        String base = hash < 0 ? target : target.substring(0, hash);
        String frag = hash < 0 ? "" : target.substring(hash);
        // the request line was already validated by the codec, so the query holds no CR/LF/space
        return base + (base.indexOf('?') < 0 ? '?' : '&') + rawQuery + frag;
    }

    private Caching.Headers headers(Entry.Target t, long now) {
        if (t.expiresAtMs() == 0 || (t.cacheSeconds() == 0 && t.sharedSeconds() == 0)) {
            return t.headers();
        }
        // never let a cache keep the redirect past the link's expiry, stale copies included
        long left = Math.max(0, (t.expiresAtMs() - now) / 1000);
        return caching.cutBy(t.cacheSeconds(), t.sharedSeconds(), left)
                ? caching.headersBefore(t.cacheSeconds(), t.sharedSeconds(), left) : t.headers();
    }

    /** The CDN's headers beyond Cache-Control, as name and value in turn, for HTTP/2, HTTP/3 and misses; null for none. */
    private CharSequence[] more(Entry.Target t, Caching.Headers h, String code) {
        boolean shared = t.sharedSeconds() > 0;
        if (!shared && h.cdn() == null) {
            return null;
        }
        if (h.cdn() == null) {
            return new CharSequence[] {caching.keyName(), CdnConfig.key(code)};
        }
        return shared ? new CharSequence[] {caching.lifetimeName(), h.cdn(), caching.keyName(), CdnConfig.key(code)}
                : new CharSequence[] {caching.lifetimeName(), h.cdn()};
    }

    private static final byte[] USER_AGENT = "user-agent".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REFERER = "referer".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DNT = "dnt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEC_GPC = "sec-gpc".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] X_FORWARDED_FOR = "x-forwarded-for".getBytes(StandardCharsets.US_ASCII);

    /** Queues the click (a HEAD is queued too, flagged, to be counted apart) with the raw facts to enrich later. */
    /** True when nothing more is to be queued: clicks off, or queued already as a bare count (no analytics). */
    private boolean countedWithoutDetails(Entry.Target t, long now, boolean head) {
        if (clicks == null) {
            return true;
        }
        if (!details) {
            clicks.offer(t.linkId, now, head ? Click.HEAD : 0, null, null, null, null);
            return true;
        }
        return false;
    }

    private void recordClick(Entry.Target t, long now, boolean head, RequestHead req) {
        if (countedWithoutDetails(t, now, head)) {
            return;
        }
        int flags = (head ? Click.HEAD : 0) | (t.track() ? 0 : Click.UNTRACKED)
                | ("1".equals(req.header(DNT)) || "1".equals(req.header(SEC_GPC)) ? Click.PRIVATE : 0);
        java.net.InetSocketAddress peer = req.remote();
        clicks.offer(t.linkId, now, flags, peer == null ? null : peer.getAddress(), req.header(USER_AGENT),
                req.header(REFERER), keepForwardedFor ? req.header(X_FORWARDED_FOR) : null);
    }

    private void recordClick(Entry.Target t, long now, boolean head, Request req) {
        if (countedWithoutDetails(t, now, head)) {
            return;
        }
        int flags = (head ? Click.HEAD : 0) | (t.track() ? 0 : Click.UNTRACKED)
                | ("1".equals(req.header("dnt")) || "1".equals(req.header("sec-gpc")) ? Click.PRIVATE : 0);
        java.net.InetSocketAddress peer = req.remote();
        clicks.offer(t.linkId, now, flags, peer == null ? null : peer.getAddress(), req.header("user-agent"),
                req.header("referer"), keepForwardedFor ? req.header("x-forwarded-for") : null);
    }

    private static final AsciiString H_ACCEPT = AsciiString.cached("accept");
    private static final AsciiString H_USER_AGENT = AsciiString.cached("user-agent");
    private static final AsciiString H_REFERER = AsciiString.cached("referer");
    private static final AsciiString H_DNT = AsciiString.cached("dnt");
    private static final AsciiString H_SEC_GPC = AsciiString.cached("sec-gpc");
    private static final AsciiString H_X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

    private void recordClick(Entry.Target t, long now, boolean head, DecodedHead req) {
        if (countedWithoutDetails(t, now, head)) {
            return;
        }
        int flags = (head ? Click.HEAD : 0) | (t.track() ? 0 : Click.UNTRACKED)
                | ("1".equals(req.header(H_DNT)) || "1".equals(req.header(H_SEC_GPC)) ? Click.PRIVATE : 0);
        java.net.InetSocketAddress peer = req.remote();
        clicks.offer(t.linkId, now, flags, peer == null ? null : peer.getAddress(), req.header(H_USER_AGENT),
                req.header(H_REFERER), keepForwardedFor ? req.header(H_X_FORWARDED_FOR) : null);
    }

    private void count(int status, boolean head) {
        for (int i = 0; i < COUNTED.length; i++) {
            if (COUNTED[i] == status) {
                byStatus[i].increment();
                break;
            }
        }
        if (head) {
            heads.increment();
        }
    }

    private void writeError(ChannelHandlerContext ctx, RequestHead req, String code, Resolution.Reason gone, long start) {
        int status = gone == null ? 404 : 410;
        boolean head = req.isHead();
        boolean keepAlive = req.keepAlive();
        count(status, head);
        boolean json = Negotiation.prefersJson(req.header("accept"));
        byte[] body = json ? problem(code, gone).toJson("/" + code)
                : (gone == null ? Pages.notFound(code) : Pages.gone(code, gone)).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), HEADERS, TRAILERS);
        HttpHeaders h = res.headers();
        h.add(HttpHeaderNames.CONTENT_TYPE, json ? PROBLEM : HTML);
        if (!json) {
            h.add(CSP, PAGE_CSP);
            h.add(X_FRAME_OPTIONS, DENY);
        }
        h.add(HttpHeaderNames.CONTENT_LENGTH, body.length);
        h.add(HttpHeaderNames.CACHE_CONTROL, NO_STORE);
        h.add(X_ROBOTS_TAG, NOINDEX);
        h.add(HttpHeaderNames.DATE, HttpDate.now());
        h.add(HttpHeaderNames.SERVER, SERVER);
        if (start != 0) {
            h.add(SERVER_TIMING, dev.shortr.http.Dispatcher.serverTiming(System.nanoTime() - start));
        }
        if (req.http10() && keepAlive) {
            h.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        send(ctx, res, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
        if (keepAlive) {
            ctx.write(res, ctx.voidPromise());
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static Problem problem(String code, Resolution.Reason gone) {
        if (gone == null) {
            return Problem.of(404, "link-not-found", "Link not found", "no link with code '" + code + "'");
        }
        String slug = switch (gone) {
            case EXPIRED -> "link-expired";
            case DISABLED -> "link-disabled";
            case EXHAUSTED -> "link-exhausted";
            case DELETED -> "link-deleted";
        };
        String why = switch (gone) {
            case EXPIRED -> "has expired";
            case DISABLED -> "is disabled";
            case EXHAUSTED -> "has reached its click limit";
            case DELETED -> "has been deleted";
        };
        return Problem.of(410, slug, "Link gone", "the link '" + code + "' " + why);
    }

    // ---- the virtual-thread path (cache misses, previews) ---------------------------------------------

    private volatile boolean serverTiming;

    /**
     * Adds {@code Server-Timing: app;dur=MS} to the redirects answered on the event loop (the dispatcher adds it
     * to everything else), so a client can tell the server's share of a request from the network's.
     */
    public RedirectTier serverTiming(boolean on) {
        this.serverTiming = on;
        return this;
    }

    /** Route handler for {@code GET|HEAD /{code}} and {@code /{code}+} when the fast path did not answer. */
    public Reply handle(Request req) {
        String raw = req.pathParam("code");
        boolean preview = raw.endsWith("+");
        String code = preview ? raw.substring(0, raw.length() - 1) : raw;
        boolean json = Negotiation.prefersJson(req.header(HttpHeaderNames.ACCEPT));
        if (ShortCode.problem(code) != null) {
            return notFound(code, json);
        }
        try {
            return resolve(req, code, preview, json);
        } catch (StoreException e) { // a cache miss found the store away: say so, and when to retry
            log.warn("{} /{}: store unavailable: {}", req.method(), code, e.getMessage());
            return Problem.of(503, "store-unavailable", "Service unavailable", "the data store is not answering; retry shortly")
                    .withHeaders(Map.of("retry-after", "2", "cache-control", "no-store")).toReply("/" + code);
        }
    }

    private Reply resolve(Request req, String code, boolean preview, boolean json) {
        if (preview) {
            return store.find(new ShortCode(code)).map(l -> previewOf(l, json, req.baseUrl(publicUrl))).orElseGet(() -> notFound(code, json));
        }
        Entry e = load(code);
        long now = System.currentTimeMillis();
        boolean head = req.method().equals("HEAD");
        if (e instanceof Entry.Unknown u) {
            count(u.deleted() ? 410 : 404, head);
            return u.deleted() ? error(code, Resolution.Reason.DELETED, json) : notFound(code, json);
        }
        Entry.Target t = (Entry.Target) e;
        Resolution.Reason gone = admit(t, now, head);
        if (gone != null) {
            count(410, head);
            return error(code, gone, json);
        }
        count(t.status().code(), head);
        recordClick(t, now, head, req);
        Caching.Headers h = headers(t, now);
        Reply r = Reply.empty(t.status().code())
                .header("location", location(t, req.rawQuery()).toString())
                .header("cache-control", h.cacheControl().toString())
                .header("x-robots-tag", "noindex");
        CharSequence[] more = more(t, h, code);
        for (int i = 0; more != null && i < more.length; i += 2) {
            r.header(more[i].toString(), more[i + 1].toString());
        }
        return r;
    }

    private Reply previewOf(Link link, boolean json, String baseUrl) {
        if (json) {
            String body = "{\"code\":" + quote(link.code().value()) + ",\"url\":" + quote(link.target().value())
                    + ",\"title\":" + (link.title() == null ? "null" : quote(link.title())) + "}";
            return Reply.json(200, body.getBytes(StandardCharsets.UTF_8)).header("x-robots-tag", "noindex")
                    .header("cache-control", "no-store");
        }
        return Reply.html(200, Pages.preview(link, baseUrl + "/" + link.code().value()))
                .header("x-robots-tag", "noindex").header("cache-control", "no-store")
                .header("content-security-policy", Pages.CSP).header("x-frame-options", "DENY")
                .header("referrer-policy", "no-referrer");
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private Reply notFound(String code, boolean json) {
        return error(code, null, json);
    }

    private Reply error(String code, Resolution.Reason gone, boolean json) {
        Reply r = json ? problem(code, gone).toReply("/" + code)
                : Reply.html(gone == null ? 404 : 410, gone == null ? Pages.notFound(code) : Pages.gone(code, gone));
        r.header("cache-control", "no-store").header("x-robots-tag", "noindex");
        return json ? r : r.header("content-security-policy", Pages.CSP).header("x-frame-options", "DENY");
    }

    /** Reads through the cache; concurrent misses for one code share one store read. */
    Entry load(String code) {
        CodeKey key = CodeKey.of(code);
        if (full() && cache.getIfPresent(key) == null) {
            overflow.increment(); // no room and nothing to evict: serve from the store, uncached
            return fetch(code);
        }
        Entry e = cache.get(key, k -> fetch(code));
        if (e instanceof Entry.Unknown u && System.currentTimeMillis() >= u.deadlineMs()) {
            cache.remove(key, u);
            e = cache.get(key, k -> fetch(code));
        }
        return e;
    }

    private Entry fetch(String code) {
        return store.find(new ShortCode(code)).<Entry>map(this::target).orElseGet(() -> {
            unknownSince = true;
            return new Entry.Unknown(System.currentTimeMillis() + config.negativeTtl().toMillis(), store.wasDeleted(new ShortCode(code)));
        });
    }

    /** In holding mode the bound is enforced on admission, since nothing is ever evicted. */
    private boolean full() {
        return !evicting && cache.size() >= config.cacheMaxEntries();
    }

    /**
     * Removes unknown-code entries past their deadline. Without eviction nothing else would: a scan of
     * random codes would otherwise fill the cache with dead entries until admission stops.
     */
    public void sweepUnknown() {
        if (!unknownSince) {
            return;
        }
        unknownSince = false;
        long now = System.currentTimeMillis();
        boolean[] unexpired = {false};
        cache.removeIf(e -> {
            if (e instanceof Entry.Unknown u) {
                if (now >= u.deadlineMs()) {
                    return true;
                }
                unexpired[0] = true;
            }
            return false;
        });
        if (unexpired[0]) {
            unknownSince = true; // some are not due yet: look again next time
        }
    }

    private Entry.Target target(Link link) {
        Caching.Lifetimes life = caching.lifetimes(link); // a click limit makes both 0: every click must reach us
        AtomicLong used = link.maxClicks() == null ? null
                : usage.computeIfAbsent(link.id(), id -> new AtomicLong(clickStore.total(id)));
        return new Entry.Target(link, caching.headers(life.browser(), life.shared()), life.browser(), life.shared(), used);
    }

    // ---- cache maintenance ------------------------------------------------------------------------------

    /** Drops whatever the cache holds for {@code code}; the next request reloads it. */
    public void invalidate(ShortCode code) {
        Entry old = cache.remove(CodeKey.of(code.value()));
        if (old instanceof Entry.Target t && t.used() != null && store.find(code).isEmpty()) {
            usage.remove(t.linkId);
        }
    }

    /** Loads up to the cache bound of links, newest first, so a restarted node serves hits at once. */
    public void warm() {
        long started = System.nanoTime();
        long seqBefore = store.lastSeq();
        long loaded = 0;
        long after = 0;
        do {
            Page<Link> page = store.list(new LinkQuery(null, null, null, null, null, after, LinkQuery.MAX_LIMIT));
            for (Link l : page.items()) {
                if (full()) {
                    break;
                }
                cache.putIfAbsent(CodeKey.of(l.code().value()), target(l));
            }
            loaded += page.items().size();
            after = page.nextAfterId();
        } while (after != 0 && loaded < config.cacheMaxEntries());
        // anything that changed while we were loading may have been put stale: drop it again
        for (var change : store.changesAfter(seqBefore, 100_000)) {
            cache.remove(CodeKey.of(change.code().value()));
        }
        log.info("redirect cache warmed with {} links in {} ms", loaded, (System.nanoTime() - started) / 1_000_000);
    }

    // ---- numbers for /metrics -----------------------------------------------------------------------------

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long heads() {
        return heads.sum();
    }

    public long cached() {
        return cache.size();
    }

    /** Misses served uncached because the (non-evicting) cache was at its bound. */
    public long overflow() {
        return overflow.sum();
    }

    public Map<Integer, LongAdder> byStatus() {
        Map<Integer, LongAdder> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < COUNTED.length; i++) {
            out.put(COUNTED[i], byStatus[i]);
        }
        return out;
    }
}
