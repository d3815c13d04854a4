package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 connection, for every request the {@link FastFront} did not answer: the request is aggregated
 * (its body bounded by {@code maxBody}) and dispatched on a virtual thread. Requests are answered strictly in
 * order: while one is being handled off the loop, later pipelined requests wait in a backlog.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private final HttpServer server;
    private final int maxBody;
    private final AccessLog accessLog;
    private final boolean secure;
    /** Non-null on the cleartext listener while HTTPS is on and cleartext redirects to it. */
    private final ToHttps toHttps;

    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private HttpRequest pending;
    /** Between a request's head and its last content, as decoded. */
    private boolean inMessage;
    private ByteBuf body;
    private boolean keepAlive;
    private boolean http10;
    private boolean skipContent;
    private boolean busy;

    /**
     * @param secure  the connection is HTTPS
     * @param toHttps answers cleartext requests with a redirect to HTTPS, or null
     */
    ConnectionHandler(HttpServer server, int maxBody, AccessLog accessLog, boolean secure, ToHttps toHttps) {
        this.server = server;
        this.accessLog = accessLog;
        this.maxBody = maxBody;
        this.secure = secure;
        this.toHttps = toHttps;
    }

    /** Nothing half-read, nothing being answered, nothing waiting: the fast front may take over again. */
    boolean idle() {
        return !inMessage && !busy && backlog.isEmpty();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (busy) {
            // reading stops (autoRead off) while busy, so this holds at most what one read brought in; beyond
            // that bound a client is pipelining without reading its answers
            if (backlog.size() > 4096) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            backlog.add(msg);
            return;
        }
        read(ctx, msg);
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            inMessage = true;
            onRequest(ctx, req);
        }
        if (msg instanceof LastHttpContent) {
            inMessage = false;
        }
        if (msg instanceof HttpContent content) {
            onContent(ctx, content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
        FastFront front = ctx.pipeline().get(FastFront.class);
        if (front != null) {
            front.headDone(); // the head is whole: the slowloris clock stops
        }
        skipContent = false;
        if (req.decoderResult().isFailure()) {
            skipContent = true;
            String why = req.decoderResult().cause() == null ? "malformed request" : req.decoderResult().cause().getMessage();
            int status = why != null && why.contains("exceed") ? 431 : 400;
            writeReply(ctx, Problem.of(status, "bad-request", status == 431 ? "Request header fields too large" : "Bad request",
                    "the request could not be parsed").toReply(null), false, false);
            return;
        }
        if (req.protocolVersion().majorVersion() != 1) { // Netty takes any HTTP/x.y; HTTP/2 has its own preface
            skipContent = true;
            writeReply(ctx, Problem.of(505, "http-version-not-supported", "HTTP version not supported",
                    "this listener speaks HTTP/1.0 and HTTP/1.1, not " + req.protocolVersion().text()).toReply(null), false, false);
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(req) && !server.draining();
        http10 = req.protocolVersion() == HttpVersion.HTTP_1_0;
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > maxBody) {
            skipContent = true;
            writeReply(ctx, tooLarge(), false, false);
            return;
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
        }
        pending = req;
        body = null;
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        try {
            if (skipContent || pending == null) {
                return;
            }
            ByteBuf chunk = content.content();
            if (chunk.isReadable()) {
                if (body == null) {
                    body = ctx.alloc().heapBuffer(Math.min(maxBody, Math.max(256, chunk.readableBytes())));
                }
                if (body.readableBytes() + chunk.readableBytes() > maxBody) {
                    discardPending();
                    skipContent = true;
                    writeReply(ctx, tooLarge(), false, false);
                    return;
                }
                body.writeBytes(chunk);
            }
            if (content instanceof LastHttpContent) {
                dispatch(ctx);
            }
        } finally {
            content.release();
        }
    }

    private void dispatch(ChannelHandlerContext ctx) {
        HttpRequest req = pending;
        byte[] bytes = new byte[body == null ? 0 : body.readableBytes()];
        if (body != null) {
            body.readBytes(bytes);
        }
        discardPending();
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? null : uri.substring(q + 1);
        if (toHttps != null && !ToHttps.exempt(path)) {
            writeReply(ctx, toHttps.reply(req.headers().get(HttpHeaderNames.HOST), uri, ctx.channel().localAddress()),
                    keepAlive, req.method() == HttpMethod.HEAD);
            return;
        }
        Map<String, List<String>> params;
        try {
            params = rawQuery == null ? Map.of()
                    : new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false, 256).parameters();
        } catch (IllegalArgumentException e) {
            writeReply(ctx, Problem.of(400, "bad-query", "Bad query string", "the query string is not valid percent-encoding")
                    .toReply(path), keepAlive, req.method() == HttpMethod.HEAD);
            return;
        }
        boolean head = req.method() == HttpMethod.HEAD;
        boolean ka = keepAlive;
        Request request = new Request(req.method().name(), path, rawQuery, params, req.headers(), bytes,
                (InetSocketAddress) ctx.channel().remoteAddress(), secure, Map.of());
        if (!server.tryEnter()) {
            writeReply(ctx, Problem.of(503, "overloaded", "Overloaded", "too many requests in flight; retry shortly")
                    .withHeaders(Map.of("retry-after", "1")).toReply(path), ka, head);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        long start = System.nanoTime();
        server.workers().execute(() -> {
            Reply reply;
            boolean streamed = false;
            try {
                reply = server.dispatcher().dispatch(request);
                if (reply.stream() != null && !head) {
                    streamed = true;
                    stream(ctx, reply, ka);
                }
            } finally {
                server.leave();
            }
            boolean sent = streamed;
            ctx.executor().execute(() -> {
                if (!sent) {
                    writeReply(ctx, reply, ka, head);
                } else if (!ka) {
                    ctx.close();
                }
                if (accessLog != null) {
                    accessLog.served(ctx.channel().remoteAddress(), req.method().name(), req.uri(), reply.status(), System.nanoTime() - start);
                }
                busy = false;
                ctx.channel().config().setAutoRead(true);
                drainBacklog(ctx);
            });
        });
    }

    /**
     * Sends a streamed reply from the request's virtual thread: the head, then chunks of about 64 KiB, each
     * waiting for the socket to take the previous one (a slow reader slows the writer instead of filling
     * memory), then the last chunk. A failure after the head can only end the connection.
     */
    private static void stream(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        io.netty.handler.codec.http.HttpResponse res = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()));
        reply.headers().forEach((k, v) -> res.headers().set(k, v));
        res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        res.headers().set(HttpHeaderNames.DATE, HttpDate.now());
        res.headers().set(HttpHeaderNames.SERVER, HttpServer.SERVER_NAME);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChunkedOut out = new ChunkedOut(ctx);
        try {
            out.send(res);
            reply.stream().writeTo(out);
            out.flush();
            out.send(LastHttpContent.EMPTY_LAST_CONTENT);
        } catch (java.io.IOException | RuntimeException e) {
            out.release();
            ctx.close();
        }
    }

    /** An OutputStream of HTTP chunks. */
    private static final class ChunkedOut extends java.io.OutputStream {
        private static final int CHUNK = 64 * 1024;
        private final ChannelHandlerContext ctx;
        private ByteBuf buf;

        ChunkedOut(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void send(Object msg) throws java.io.IOException {
            io.netty.channel.ChannelFuture f = ctx.writeAndFlush(msg).awaitUninterruptibly();
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
                send(new io.netty.handler.codec.http.DefaultHttpContent(chunk));
            }
        }

        void release() {
            if (buf != null) {
                buf.release();
                buf = null;
            }
        }
    }

    private void drainBacklog(ChannelHandlerContext ctx) {
        while (!busy && !backlog.isEmpty() && ctx.channel().isActive()) {
            read(ctx, backlog.poll());
        }
        if (!busy) {
            ctx.flush();
        }
    }

    private void discardPending() {
        if (body != null) {
            body.release();
            body = null;
        }
        pending = null;
    }

    private static Reply tooLarge() {
        return Problem.of(413, "body-too-large", "Request body too large", "the request body exceeds the configured limit")
                .toReply(null);
    }

    private void writeReply(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, boolean head) {
        byte[] bytes = reply.body();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                head || bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        reply.headers().forEach((k, v) -> res.headers().set(k, v));
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        res.headers().set(HttpHeaderNames.DATE, HttpDate.now());
        res.headers().set(HttpHeaderNames.SERVER, HttpServer.SERVER_NAME);
        if (!keepAlive || server.draining()) { // shutting down: the last answer on this connection
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (http10) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(res, ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        discardPending();
        while (!backlog.isEmpty()) {
            ReferenceCountUtil.release(backlog.poll());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // connection resets and TLS noise: nothing a server operator can act on, so no log
        ctx.close();
    }
}
