package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * The first handler of a connection: answers body-less GET/HEAD requests the {@link FastPath} knows
 * (cached redirects) straight from the socket's bytes, with no request object, header map or string beyond
 * the path. That keeps a redirect's garbage to a few dozen bytes, and with it the young-collection pauses
 * that would otherwise set the tail latency.
 *
 * <p>Anything else (another method, a body, a miss, an odd header, a malformed head) and everything after
 * it on the connection is handed, unconsumed, to Netty's {@link HttpRequestDecoder} and the
 * {@link ConnectionHandler}. The fast path takes over again once those are idle (no message half-read, none
 * being answered, nothing buffered), so replies always leave in request order.
 */
final class FastFront extends ChannelInboundHandlerAdapter {
    private final FastPath fastPath;
    private final AccessLog accessLog;
    private final RequestHead head;
    private Decoder decoder;
    private ConnectionHandler handler;
    private ChannelHandlerContext objects;
    /** Bytes of a head that arrived in pieces. */
    private ByteBuf partial;
    /** True while the decoder and the connection handler own the byte stream. */
    private boolean passing;
    private boolean closing;
    private final HttpServer server;
    /** How long a request head may take to arrive once its first byte has (slowloris); 0 for no limit. */
    private final long headerTimeoutNanos;
    /** Armed while part of a request head is here and the rest is not. */
    private io.netty.util.concurrent.ScheduledFuture<?> headDeadline;

    /**
     * @param responseHeaders header lines every fast answer carries ({@link RequestHead#responseHeaders()})
     * @param server          told when it drains (shutdown), or null
     */
    FastFront(FastPath fastPath, AccessLog accessLog, byte[] responseHeaders, HttpServer server, long headerTimeoutNanos) {
        this.fastPath = fastPath;
        this.accessLog = accessLog;
        this.head = new RequestHead(responseHeaders);
        this.server = server;
        this.headerTimeoutNanos = headerTimeoutNanos;
    }

    /** Sent when a request head did not arrive in time, before closing. */
    private static final byte[] TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n"
            + "server: " + HttpServer.SERVER_NAME + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Starts the clock on a request head that has begun to arrive, unless it is running. */
    private void headStarted(ChannelHandlerContext ctx) {
        if (headDeadline == null && headerTimeoutNanos > 0) {
            headDeadline = ctx.executor().schedule(() -> {
                headDeadline = null;
                if (ctx.channel().isActive()) {
                    closing = true;
                    ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(TIMEOUT))
                            .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                }
            }, headerTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** A whole request head is here (or the connection is going): the clock stops. */
    void headDone() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    /** Nothing half-read, nothing being answered: the connection may be closed without cutting anything off. */
    boolean quiet() {
        if (decoder == null) {
            return partial == null;
        }
        return partial == null && headDeadline == null && decoder.drained() && handler.idle();
    }

    /** Netty's request decoder, telling whether it holds bytes of a request not yet decoded. */
    static final class Decoder extends HttpRequestDecoder {
        Decoder(io.netty.handler.codec.http.HttpDecoderConfig config) {
            super(config);
        }

        boolean drained() {
            return actualReadableBytes() == 0;
        }
    }

    /** The handlers after this one; they are not in the pipeline yet when this one is added. */
    private void findNeighbours(ChannelHandlerContext ctx) {
        decoder = (Decoder) ctx.pipeline().get(HttpServer.DECODER);
        handler = (ConnectionHandler) ctx.pipeline().get(HttpServer.HANDLER);
        objects = ctx.pipeline().context(HttpServer.HANDLER);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (decoder == null) {
            findNeighbours(ctx);
        }
        if (passing && decoder.drained() && handler.idle()) {
            passing = false;
        }
        if (passing) {
            ctx.fireChannelRead(in);
            if (handler.idle() && !decoder.drained()) {
                headStarted(ctx); // the decoder holds the start of a head it cannot finish yet
            }
            return;
        }
        ByteBuf data = in;
        if (partial != null) {
            data = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), partial, in);
            partial = null;
        }
        while (data.isReadable()) {
            int end = head.parse(data, ctx.channel().remoteAddress());
            if (end == RequestHead.INCOMPLETE) {
                partial = data;
                headStarted(ctx);
                return;
            }
            headDone();
            long start = accessLog == null ? 0 : System.nanoTime();
            int status = end == RequestHead.NOT_MINE ? 0 : fastPath.tryServe(objects, ctx, head);
            if (status == 0) {
                passing = true;
                ctx.fireChannelRead(data);
                if (handler.idle() && !decoder.drained()) {
                    headStarted(ctx);
                }
                return;
            }
            if (accessLog != null) {
                accessLog.served(head.remote(), head.method(), head.uri(), status, System.nanoTime() - start);
            }
            data.readerIndex(end);
            if (!head.keepAlive() || (server != null && server.draining())) {
                if (head.keepAlive()) { // shutting down: this answer was the connection's last
                    ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                }
                closing = true; // the reply closes the connection; whatever follows is not read
                break;
            }
        }
        data.release();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        headDone();
        if (partial != null) {
            partial.release();
            partial = null;
        }
        ctx.fireChannelInactive();
    }
}
