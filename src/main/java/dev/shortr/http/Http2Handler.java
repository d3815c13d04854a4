package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/2 connection, h2c or (once TLS offers it) h2. Every stream becomes the same {@link Request} the
 * HTTP/1.1 {@link ConnectionHandler} makes, served by the same {@link Dispatcher} on a virtual thread; a
 * body-less GET/HEAD first goes to the {@link FastPath}, which answers cached redirects on the event loop.
 *
 * <p>Why one {@link Http2ConnectionHandler} that is its own {@link Http2FrameListener}, and not
 * {@code Http2FrameCodec} with {@code Http2MultiplexHandler}: the multiplexer makes a child channel, a
 * pipeline and frame objects for every stream, which is most of the cost of a redirect that is otherwise a
 * hash lookup and one HEADERS frame. Here a stream costs a header map (the HPACK decoder's) and the answer's.
 * The defences are the same either way: both are built by {@link AbstractHttp2ConnectionHandlerBuilder}.
 *
 * <p>Streams run concurrently: each one dispatched holds a permit of the server's in-flight bound, and the
 * client can have at most {@code maxConcurrentStreams} open, so one connection cannot take them all unless
 * that setting allows it. A request body is buffered up to {@code maxBody}; past that the stream gets 413 and
 * the rest of its DATA is dropped.
 */
final class Http2Handler extends Http2ConnectionHandler implements Http2FrameListener {
    private static final AsciiString SERVER_TIMING = AsciiString.cached("server-timing");
    private static final AsciiString X_ROBOTS_TAG = AsciiString.cached("x-robots-tag");
    private static final AsciiString NOINDEX = AsciiString.cached("noindex");
    private static final AsciiString ZERO = AsciiString.cached("0");
    private static final AsciiString SERVER = AsciiString.cached(HttpServer.SERVER_NAME);
    private static final AsciiString GET = AsciiString.cached("GET");
    private static final AsciiString HEAD = AsciiString.cached("HEAD");
    private static final AsciiString CONTINUE = AsciiString.cached("100");

    private final HttpServer server;
    private final FastPath fastPath;
    private final AccessLog accessLog;
    private final int maxBody;
    private final int connectionWindow;
    /** Headers every answer on this connection carries (HSTS over TLS); empty on h2c. */
    private final Http2Headers always;
    /** Streams whose request body is still arriving. */
    private final IntObjectMap<Http2Upload> uploads = new IntObjectHashMap<>(4);
    private ChannelHandlerContext ctx;
    private StreamHead fast;

    private Http2Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                         HttpServer server, FastPath fastPath, AccessLog accessLog, int maxBody, int connectionWindow,
                         Http2Headers always) {
        super(decoder, encoder, settings);
        this.always = always;
        this.server = server;
        this.fastPath = fastPath;
        this.accessLog = accessLog;
        this.maxBody = maxBody;
        this.connectionWindow = connectionWindow;
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                Http2Upload u = uploads.remove(stream.id());
                if (u != null) {
                    u.release();
                }
            }
        });
    }

    /** Builds the handler with its limits: the defences are the builder's (see {@link Http2Chain}). */
    static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Http2Handler, Builder> {
        private final HttpServer server;
        private final FastPath fastPath;
        private final AccessLog accessLog;
        private final int maxBody;
        private final Http2Limits limits;
        private final Http2Headers always;

        /** @param always headers every answer carries (HSTS over TLS), or an empty list */
        Builder(HttpServer server, FastPath fastPath, AccessLog accessLog, int maxBody, Http2Limits limits, Http2Headers always) {
            this.always = always;
            this.server = server;
            this.fastPath = fastPath;
            this.accessLog = accessLog;
            this.maxBody = maxBody;
            this.limits = limits;
            server(true);
            initialSettings(Http2Settings.defaultSettings()
                    .maxConcurrentStreams(limits.maxConcurrentStreams())
                    .maxHeaderListSize(limits.maxHeaderListSize())
                    .initialWindowSize(limits.initialWindowSize()));
            // rapid reset (CVE-2023-44487): a client resetting more streams than this per window is told
            // ENHANCE_YOUR_CALM and closed
            decoderEnforceMaxRstFramesPerWindow(limits.maxResets(), limits.resetWindowSeconds());
            // the mirror image ("MadeYouReset"): requests crafted to make the server reset streams
            encoderEnforceMaxRstFramesPerWindow(limits.maxResets(), limits.resetWindowSeconds());
            // SETTINGS/PING floods from a client that never reads the ACKs: close instead of queueing them
            encoderEnforceMaxQueuedControlFrames(10_000);
            // CONTINUATION flood: a header block in many tiny pieces is closed after this many; big pieces are
            // bounded by the header list size (HPACK bombs too: the decoder counts decoded bytes as it goes)
            decoderEnforceMaxSmallContinuationFrames(16);
            decoderEnforceMaxConsecutiveEmptyDataFrames(2);
            gracefulShutdownTimeoutMillis(5_000);
        }

        Http2Handler create() {
            return build();
        }

        @Override
        protected Http2Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            Http2Handler h = new Http2Handler(decoder, encoder, settings, server, fastPath, accessLog, maxBody,
                    limits.connectionWindowSize(), always);
            frameListener(h);
            return h;
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.fast = new StreamHead(this, ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null);
        super.handlerAdded(ctx);
        int more = connectionWindow - connection().local().flowController().windowSize(connection().connectionStream());
        if (more > 0) {
            connection().local().flowController().incrementWindowSize(connection().connectionStream(), more);
        }
    }

    // ---- frames in ----------------------------------------------------------------------------------------------

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endStream) {
        Http2Upload u = uploads.get(streamId);
        if (u != null) { // trailers: nothing here reads them, but they end the body
            if (endStream) {
                uploads.remove(streamId);
                dispatch(streamId, u.headers, u.take());
            }
            return;
        }
        if (endStream) {
            serve(streamId, headers);
            return;
        }
        long declared = contentLength(headers);
        if (declared > maxBody) {
            refuseBody(streamId, declared);
            return;
        }
        if (AsciiString.contentEqualsIgnoreCase(headers.get(HttpHeaderNames.EXPECT), "100-continue")) {
            encoder().writeHeaders(ctx, streamId, new DefaultHttp2Headers(false).status(CONTINUE), 0, false, ctx.voidPromise());
        }
        uploads.put(streamId, new Http2Upload(headers));
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endStream) {
        onHeadersRead(ctx, streamId, headers, padding, endStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
        int processed = data.readableBytes() + padding; // always consumed: the bound is maxBody, not the window
        Http2Upload u = uploads.get(streamId);
        if (u == null) {
            return processed; // answered already (413), or never expected a body
        }
        if (u.size() + data.readableBytes() > maxBody) {
            uploads.remove(streamId);
            u.release();
            refuseBody(streamId, contentLength(u.headers));
            return processed;
        }
        u.append(ctx, data);
        if (endOfStream) {
            uploads.remove(streamId);
            dispatch(streamId, u.headers, u.take());
        }
        return processed;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
        Http2Upload u = uploads.remove(streamId);
        if (u != null) {
            u.release();
        }
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight, boolean exclusive) {}

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) {}

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {}

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) {}

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {}

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers, int padding) {}

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {}

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {}

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, io.netty.handler.codec.http2.Http2Flags flags,
                               ByteBuf payload) {}

    /** A complete body-less request: the fast path first when it may answer, else the router. */
    private void serve(int streamId, Http2Headers headers) {
        CharSequence method = headers.method();
        CharSequence path = headers.path();
        boolean get = GET.contentEquals(method);
        if (fastPath != null && (get || HEAD.contentEquals(method)) && path != null && path.length() > 0 && path.charAt(0) == '/') {
            long start = accessLog == null ? 0 : System.nanoTime();
            fast.reset(streamId, headers, AsciiString.of(path), !get);
            int status = fastPath.tryServe(fast);
            if (status != 0) {
                if (accessLog != null) {
                    accessLog.served(fast.remote(), fast.method(), fast.uri(), status, System.nanoTime() - start);
                }
                return;
            }
        }
        dispatch(streamId, headers, EMPTY);
    }

    private static final byte[] EMPTY = new byte[0];

    private void dispatch(int streamId, Http2Headers h2, byte[] body) {
        String method = h2.method() == null ? "" : h2.method().toString();
        String uri = h2.path() == null ? "" : h2.path().toString();
        dispatch(streamId, method, uri, toHttp1(h2), body);
    }

    /**
     * Runs the router on a virtual thread and writes its reply on the stream. {@code uri} is the request target
     * as sent; the header names are HTTP/1.1's ({@code host}, one {@code cookie}), so every handler reads a
     * request the same way whatever the HTTP version.
     */
    private void dispatch(int streamId, String method, String uri, HttpHeaders headers, byte[] body) {
        boolean head = method.equals("HEAD");
        if (!uri.startsWith("/") && !(uri.equals("*") && method.equals("OPTIONS"))) {
            writeReply(streamId, Problem.of(400, "bad-request", "Bad request", "the :path must be an absolute path")
                    .toReply(null), head);
            return;
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? null : uri.substring(q + 1);
        Map<String, List<String>> params;
        try {
            params = rawQuery == null ? Map.of() : new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false, 256).parameters();
        } catch (IllegalArgumentException e) {
            writeReply(streamId, Problem.of(400, "bad-query", "Bad query string", "the query string is not valid percent-encoding")
                    .toReply(path), head);
            return;
        }
        boolean secure = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null; // h2 over TLS, not h2c
        Request request = new Request(method, path, rawQuery, params, headers, body, fast.remote(), secure, Map.of());
        if (!server.tryEnter()) {
            writeReply(streamId, Problem.of(503, "overloaded", "Overloaded", "too many requests in flight; retry shortly")
                    .withHeaders(Map.of("retry-after", "1")).toReply(path), head);
            return;
        }
        long start = System.nanoTime();
        server.workers().execute(() -> {
            Reply reply;
            boolean streamed = false;
            try {
                reply = server.dispatcher().dispatch(request);
                if (reply.stream() != null && !head) {
                    streamed = true;
                    stream(streamId, reply);
                }
            } finally {
                server.leave();
            }
            boolean sent = streamed;
            ctx.executor().execute(() -> {
                if (!sent) {
                    writeReply(streamId, reply, head);
                    flush(ctx); // this handler's flush: it also writes what flow control was holding
                }
                if (accessLog != null) {
                    accessLog.served(fast.remote(), method, uri, reply.status(), System.nanoTime() - start);
                }
            });
        });
    }

    /** HTTP/2's header list as HTTP/1.1 headers: no pseudo-headers, {@code :authority} as {@code host}, cookies joined. */
    static HttpHeaders toHttp1(Http2Headers h2) {
        HttpHeaders out = new DefaultHttpHeaders(false);
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : h2) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (AsciiString.contentEquals(name, HttpHeaderNames.COOKIE)) {
                // RFC 9113 §8.2.3: a client may split the cookie header; HTTP/1.1 handlers expect one
                cookies = cookies == null ? new StringBuilder() : cookies.append("; ");
                cookies.append(e.getValue());
                continue;
            }
            out.add(name, e.getValue());
        }
        if (cookies != null) {
            out.set(HttpHeaderNames.COOKIE, cookies.toString());
        }
        CharSequence authority = h2.authority();
        if (authority != null && !out.contains(HttpHeaderNames.HOST)) {
            out.set(HttpHeaderNames.HOST, authority);
        }
        return out;
    }

    private static long contentLength(Http2Headers headers) {
        CharSequence v = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * 413 at once; the rest of the body is read and dropped. A body without a length, or with one far past the
     * limit, is cut short with RST_STREAM(NO_ERROR) after the answer, as RFC 9113 §8.1 allows. Not every body:
     * some clients (Debian 12's curl) take that reset for a failed request, and Netty already ends a stream
     * whose DATA exceeds its declared {@code content-length}, so a declared body bounds what is dropped.
     */
    private void refuseBody(int streamId, long declared) {
        writeReply(streamId, Problem.of(413, "body-too-large", "Request body too large",
                "the request body exceeds the configured limit").toReply(null), false);
        Http2Stream stream = connection().stream(streamId);
        if (stream != null && stream.state().remoteSideOpen() && (declared < 0 || declared > 8L * maxBody)) {
            resetStream(ctx, streamId, Http2Error.NO_ERROR.code(), ctx.newPromise());
        }
    }

    // ---- the HTTP/1.1 upgrade ---------------------------------------------------------------------------------------

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HttpServerUpgradeHandler.UpgradeEvent upgrade) {
            // the request that asked for h2c is stream 1, half-closed already (RFC 7540 §3.2); its answer goes there
            try {
                FullHttpRequest req = upgrade.upgradeRequest();
                byte[] body = new byte[req.content().readableBytes()];
                req.content().getBytes(req.content().readerIndex(), body);
                HttpHeaders headers = new DefaultHttpHeaders(false).add(req.headers());
                for (CharSequence hopByHop : List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE,
                        "http2-settings", HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING)) {
                    headers.remove(hopByHop);
                }
                dispatch(1, req.method().name(), req.uri(), headers, body);
            } finally {
                upgrade.release();
            }
            return;
        }
        if (evt instanceof IdleStateEvent && connection().numActiveStreams() == 0) {
            ctx.close(); // a graceful GOAWAY first (Http2ConnectionHandler.close)
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    // ---- answers out (always on the event loop) ------------------------------------------------------------------------

    /** True while the stream can still take an answer (the client may have reset it meanwhile). */
    boolean writable(int streamId) {
        Http2Stream stream = connection().stream(streamId);
        return stream != null && stream.state().localSideOpen();
    }

    void writeRedirect(int streamId, HttpResponseStatus status, CharSequence location, CharSequence cacheControl,
                       CharSequence[] more, CharSequence serverTiming) {
        Http2Headers h = new DefaultHttp2Headers(false, 8)
                .status(status.codeAsText())
                .add(HttpHeaderNames.LOCATION, location)
                .add(HttpHeaderNames.CACHE_CONTROL, cacheControl)
                .add(X_ROBOTS_TAG, NOINDEX)
                .add(HttpHeaderNames.CONTENT_LENGTH, ZERO)
                .add(HttpHeaderNames.SERVER, SERVER)
                .add(HttpHeaderNames.DATE, HttpDate.now());
        for (int i = 0; more != null && i + 1 < more.length; i += 2) {
            h.add(more[i], more[i + 1]);
        }
        if (serverTiming != null) {
            h.add(SERVER_TIMING, serverTiming);
        }
        if (!always.isEmpty()) {
            h.add(always);
        }
        encoder().writeHeaders(ctx, streamId, h, 0, true, ctx.voidPromise());
    }

    void writeReply(int streamId, Reply reply, boolean head) {
        if (!writable(streamId)) {
            return;
        }
        byte[] body = reply.body();
        boolean empty = head || body.length == 0;
        Http2Headers h = headersOf(reply);
        h.set(HttpHeaderNames.CONTENT_LENGTH, AsciiString.of(Integer.toString(body.length)));
        encoder().writeHeaders(ctx, streamId, h, 0, empty, ctx.voidPromise());
        if (!empty) {
            encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(body), 0, true, ctx.voidPromise());
        }
    }

    Http2Headers headersOf(Reply reply) {
        Http2Headers h = new DefaultHttp2Headers(false, reply.headers().size() + 4)
                .status(AsciiString.of(Integer.toString(reply.status())));
        reply.headers().forEach((k, v) -> {
            // RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2
            if (!k.equals("connection") && !k.equals("transfer-encoding") && !k.equals("keep-alive") && !k.equals("upgrade")) {
                h.add(k, v);
            }
        });
        h.set(HttpHeaderNames.DATE, HttpDate.now());
        h.set(HttpHeaderNames.SERVER, SERVER);
        if (!always.isEmpty()) {
            h.setAll(always); // not set(Headers), which would replace every header, :status too
        }
        return h;
    }

    /**
     * Sends a streamed reply from the request's virtual thread: the head, then chunks of 64 KiB, each waiting
     * until it has left (flow control included: a client that opens no window holds the writer, not memory).
     */
    private void stream(int streamId, Reply reply) {
        Http2Out out = new Http2Out(this, ctx, streamId);
        try {
            out.send(headersOf(reply), null, false);
            reply.stream().writeTo(out);
            out.flush();
            out.send(null, Unpooled.EMPTY_BUFFER, true);
        } catch (IOException | RuntimeException e) {
            out.release();
            ctx.executor().execute(() -> {
                if (writable(streamId)) {
                    resetStream(ctx, streamId, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
                    flush(ctx);
                }
            });
        }
    }
}
