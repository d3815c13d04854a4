package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;

/** A request body arriving in DATA frames; never more than {@code maxBody} bytes. */
final class Http2Upload {
    final Http2Headers headers;
    private ByteBuf body;

    Http2Upload(Http2Headers headers) {
        this.headers = headers;
    }

    int size() {
        return body == null ? 0 : body.readableBytes();
    }

    void append(ChannelHandlerContext ctx, ByteBuf data) {
        if (!data.isReadable()) {
            return;
        }
        if (body == null) {
            body = ctx.alloc().heapBuffer(Math.max(256, data.readableBytes()));
        }
        body.writeBytes(data);
    }

    byte[] take() {
        byte[] bytes = new byte[size()];
        if (body != null) {
            body.readBytes(bytes);
            release();
        }
        return bytes;
    }

    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
