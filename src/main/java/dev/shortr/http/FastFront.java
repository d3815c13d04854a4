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

    /** @param responseHeaders header lines every fast answer carries ({@link RequestHead#responseHeaders()}) */
    FastFront(FastPath fastPath, AccessLog accessLog, byte[] responseHeaders) {
        this.fastPath = fastPath;
        this.accessLog = accessLog;
        this.head = new RequestHead(responseHeaders);
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
                return;
            }
            long start = accessLog == null ? 0 : System.nanoTime();
            int status = end == RequestHead.NOT_MINE ? 0 : fastPath.tryServe(objects, ctx, head);
            if (status == 0) {
                passing = true;
                ctx.fireChannelRead(data);
                return;
            }
            if (accessLog != null) {
                accessLog.served(head.remote(), head.method(), head.uri(), status, System.nanoTime() - start);
            }
            data.readerIndex(end);
            if (!head.keepAlive()) {
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
        if (partial != null) {
            partial.release();
            partial = null;
        }
        ctx.fireChannelInactive();
    }
}
