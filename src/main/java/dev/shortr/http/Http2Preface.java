package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * The first handler of a cleartext connection: h2c by prior knowledge (RFC 9113 §3.3). A connection that
 * starts with the client preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n} gets the HTTP/2 chain instead of the
 * HTTP/1.1 one; any other first byte, and this handler is gone, so HTTP/1.1 pays for it once per connection
 * (one comparison), never per request. Bytes read meanwhile are handed on, unconsumed, to whichever chain
 * stays.
 */
final class Http2Preface extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Http2Chain chain;

    Http2Preface(Http2Chain chain) {
        this.chain = chain;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), n)) {
            ctx.pipeline().remove(this); // HTTP/1.x
            return;
        }
        if (n < PREFACE.readableBytes()) {
            return; // the preface so far; wait for the rest
        }
        chain.replaceHttp1(ctx.pipeline(), ctx.name());
        ctx.pipeline().remove(this); // the preface itself goes on to the HTTP/2 handler, which expects it
    }
}
