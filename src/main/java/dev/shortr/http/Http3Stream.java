package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/3 request stream: the HEADERS frame, DATA frames (bounded by {@code maxBody}) and the end of the stream
 * become the same {@link Request} the {@link Dispatcher} serves for HTTP/1.1, dispatched on a virtual thread, and its
 * {@link Reply} goes back as HEADERS and DATA frames. A body-less GET or HEAD is first offered to the {@link FastPath}
 * as soon as its head is here, on the event loop.
 *
 * <p>Early data (RFC 8470): a request whose head arrives before the QUIC handshake has completed came in TLS 1.3
 * early data (0-RTT), which an attacker can capture and replay; the server only processes such packets from a
 * client resuming a session, and the handshake cannot have completed for a replay, whose sender lacks the keys. Only
 * GET and HEAD are served from it; anything else gets 425 Too Early, and the client sends it again after the
 * handshake.
 */
final class Http3Stream extends Http3RequestStreamInboundHandler {
    /** Connection-specific fields, which HTTP/3 forbids (RFC 9114 §4.2). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade");
    private static final AsciiString SERVER = AsciiString.cached(HttpServer.SERVER_NAME);

    private final Http3Listener listener;
    private final Head head = new Head();
    private Http3Headers headers;
    private String method;
    private String target;
    private ByteBuf body;
    /** An answer has been sent or is being made: whatever else arrives on the stream is dropped. */
    private boolean answered;
    private long started;

    Http3Stream(Http3Listener listener) {
        this.listener = listener;
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
        if (headers != null || answered) {
            return; // trailers: nothing here reads them
        }
        started = System.nanoTime();
        headers = frame.headers();
        method = String.valueOf(headers.method());
        target = String.valueOf(headers.path());
        boolean safe = method.equals("GET") || method.equals("HEAD");
        if (!((QuicChannel) ctx.channel().parent()).isActive()) {
            listener.earlyData(safe);
            if (!safe) {
                answer(ctx, Problem.of(425, "too-early", "Too early", "the request came in TLS early data (0-RTT), which "
                        + "can be replayed; send it again once the handshake is complete").toReply(null));
                return;
            }
        }
        if (!target.startsWith("/")) {
            answer(ctx, Problem.of(400, "bad-request", "Bad request", "the request target must be a path").toReply(null));
            return;
        }
        long declared = headers.getLong("content-length", -1L);
        if (declared > listener.maxBody()) {
            answer(ctx, tooLarge());
            return;
        }
        if (safe && declared <= 0) {
            head.reset(ctx, headers, target, method.equals("HEAD"));
            int status = listener.fastPath().tryServe(head);
            if (status != 0) {
                answered = true;
                listener.served(remote(ctx), method, target, status, started);
            }
        }
    }

    @Override
    protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
        try {
            if (answered || headers == null) {
                return;
            }
            ByteBuf chunk = frame.content();
            if (!chunk.isReadable()) {
                return;
            }
            if (body == null) {
                body = ctx.alloc().heapBuffer(Math.min(listener.maxBody(), Math.max(256, chunk.readableBytes())));
            }
            if (body.readableBytes() + chunk.readableBytes() > listener.maxBody()) {
                release();
                answer(ctx, tooLarge());
                return;
            }
            body.writeBytes(chunk);
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    protected void channelInputClosed(ChannelHandlerContext ctx) {
        if (answered || headers == null) {
            return;
        }
        answered = true;
        byte[] bytes = new byte[body == null ? 0 : body.readableBytes()];
        if (body != null) {
            body.readBytes(bytes);
            release();
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String rawQuery = q < 0 ? null : target.substring(q + 1);
        boolean isHead = method.equals("HEAD");
        Map<String, List<String>> params;
        try {
            params = rawQuery == null ? Map.of() : new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false, 256).parameters();
        } catch (IllegalArgumentException e) {
            write(ctx, Problem.of(400, "bad-query", "Bad query string", "the query string is not valid percent-encoding")
                    .toReply(path), isHead);
            return;
        }
        Request request = new Request(method, path, rawQuery, params, http1Headers(headers), bytes, remote(ctx), true, Map.of());
        HttpServer server = listener.server();
        if (!server.tryEnter()) {
            write(ctx, Problem.of(503, "overloaded", "Overloaded", "too many requests in flight; retry shortly")
                    .withHeaders(Map.of("retry-after", "1")).toReply(path), isHead);
            return;
        }
        server.workers().execute(() -> {
            Reply reply;
            boolean streamed = false;
            try {
                reply = server.dispatcher().dispatch(request);
                if (reply.stream() != null && !isHead) {
                    streamed = true;
                    stream(ctx, reply);
                }
            } finally {
                server.leave();
            }
            boolean sent = streamed;
            ctx.executor().execute(() -> {
                if (!sent) {
                    write(ctx, reply, isHead);
                }
                listener.served(request.remote(), method, target, reply.status(), started);
            });
        });
    }

    /** Answers at once, from the event loop, and drops the rest of the request. */
    private void answer(ChannelHandlerContext ctx, Reply reply) {
        answered = true;
        write(ctx, reply, "HEAD".equals(method));
        listener.served(remote(ctx), method, target, reply.status(), started);
    }

    /** The request's fields as the handlers read them: pseudo-header fields left out, {@code :authority} as Host. */
    private static HttpHeaders http1Headers(Http3Headers h3) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : h3) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (AsciiString.contentEqualsIgnoreCase(name, "cookie")) { // may come split, one crumb a field (RFC 9114 §4.2.1)
                cookies = cookies == null ? new StringBuilder(e.getValue()) : cookies.append("; ").append(e.getValue());
                continue;
            }
            h.add(name, e.getValue());
        }
        if (cookies != null) {
            h.set("cookie", cookies.toString());
        }
        if (!h.contains("host") && h3.authority() != null) {
            h.set("host", h3.authority());
        }
        return h;
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return ((QuicChannel) ctx.channel().parent()).remoteSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    /** The headers every answer carries: date, server, and HSTS (this is HTTPS). */
    private Http3HeadersFrame headersFrame(int status) {
        Http3HeadersFrame frame = new DefaultHttp3HeadersFrame();
        Http3Headers h = frame.headers();
        h.status(AsciiString.of(Integer.toString(status)));
        h.set("date", HttpDate.now());
        h.set("server", SERVER);
        if (listener.hsts() != null) {
            h.set(HttpsHeaders.HSTS, listener.hsts());
        }
        return frame;
    }

    /** Writes {@code reply} and ends the stream. */
    private void write(ChannelHandlerContext ctx, Reply reply, boolean isHead) {
        byte[] bytes = reply.body();
        Http3HeadersFrame frame = headersFrame(reply.status());
        reply.headers().forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k)) {
                frame.headers().set(k, v);
            }
        });
        frame.headers().setInt("content-length", bytes.length);
        if (isHead || bytes.length == 0) {
            ctx.writeAndFlush(frame).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            return;
        }
        ctx.write(frame, ctx.voidPromise());
        ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(bytes))).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
    }

    /**
     * Sends a streamed reply from the request's virtual thread: the head, then DATA frames of about 64 KiB, each
     * waiting for the stream to take the previous one, then the end of the stream.
     */
    private void stream(ChannelHandlerContext ctx, Reply reply) {
        Http3HeadersFrame frame = headersFrame(reply.status());
        reply.headers().forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k)) {
                frame.headers().set(k, v);
            }
        });
        DataOut out = new DataOut(ctx);
        try {
            out.send(frame);
            reply.stream().writeTo(out);
            out.flush();
            ((QuicStreamChannel) ctx.channel()).shutdownOutput();
        } catch (java.io.IOException | RuntimeException e) {
            out.release();
            ctx.close();
        }
    }

    /** An OutputStream of DATA frames. */
    private static final class DataOut extends java.io.OutputStream {
        private static final int CHUNK = 64 * 1024;
        private final ChannelHandlerContext ctx;
        private ByteBuf buf;

        DataOut(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void send(Object msg) throws java.io.IOException {
            ChannelFuture f = ctx.writeAndFlush(msg).awaitUninterruptibly();
            if (!f.isSuccess()) {
                throw new java.io.IOException("the client went away", f.cause());
            }
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            if (buf == null) {
                buf = ctx.alloc().buffer(CHUNK);
            }
            buf.writeBytes(b, off, len);
            if (buf.readableBytes() >= CHUNK) {
                flush();
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            if (buf != null && buf.isReadable()) {
                ByteBuf chunk = buf;
                buf = null;
                send(new DefaultHttp3DataFrame(chunk));
            }
        }

        void release() {
            if (buf != null) {
                buf.release();
                buf = null;
            }
        }
    }

    private static Reply tooLarge() {
        return Problem.of(413, "body-too-large", "Request body too large", "the request body exceeds the configured limit")
                .toReply(null);
    }

    private void release() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets, malformed frames, a connection going away: nothing an operator can act on, so no log
        release();
        ctx.close();
    }

    /** The stream's request head, as the fast path reads it; reused for the one request a stream carries. */
    private final class Head implements DecodedHead {
        private ChannelHandlerContext ctx;
        private Http3Headers fields;
        private String target;
        private boolean isHead;
        private int queryAt;

        void reset(ChannelHandlerContext ctx, Http3Headers fields, String target, boolean isHead) {
            this.ctx = ctx;
            this.fields = fields;
            this.target = target;
            this.isHead = isHead;
            this.queryAt = target.indexOf('?');
        }

        @Override
        public boolean isHead() {
            return isHead;
        }

        @Override
        public CharSequence pathChars() {
            return queryAt < 0 ? target : target.substring(0, queryAt);
        }

        @Override
        public String rawQuery() {
            return queryAt < 0 ? null : target.substring(queryAt + 1);
        }

        @Override
        public String uri() {
            return target;
        }

        @Override
        public String header(CharSequence lowerCaseName) {
            CharSequence v = fields.get(lowerCaseName);
            return v == null ? null : v.toString();
        }

        @Override
        public InetSocketAddress remote() {
            return Http3Stream.remote(ctx);
        }

        @Override
        public void sendRedirect(HttpResponseStatus status, CharSequence location, CharSequence cacheControl,
                                 CharSequence[] more, CharSequence serverTiming) {
            Http3HeadersFrame frame = headersFrame(status.code());
            Http3Headers h = frame.headers();
            h.set("location", location);
            h.set("cache-control", cacheControl);
            for (int i = 0; more != null && i + 1 < more.length; i += 2) {
                h.set(more[i], more[i + 1]);
            }
            h.set("x-robots-tag", "noindex");
            h.set("content-length", "0");
            if (serverTiming != null) {
                h.set("server-timing", serverTiming);
            }
            ctx.writeAndFlush(frame).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }

        @Override
        public void send(Reply reply) {
            write(ctx, reply, isHead);
        }
    }
}
