package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A streamed reply's body as DATA frames on one HTTP/2 stream, written from the request's virtual thread in
 * chunks of 64 KiB. Each chunk waits until it has left: flow control included, so a client that opens no
 * window holds the writer, not the server's memory.
 */
final class Http2Out extends OutputStream {
    private static final int CHUNK = 64 * 1024;
    private final Http2Handler connection;
    private final ChannelHandlerContext ctx;
    private final int streamId;
    private ByteBuf buf;

    Http2Out(Http2Handler connection, ChannelHandlerContext ctx, int streamId) {
        this.connection = connection;
        this.ctx = ctx;
        this.streamId = streamId;
    }

    void send(Http2Headers headers, ByteBuf data, boolean end) throws IOException {
        ChannelPromise done = ctx.newPromise();
        ctx.executor().execute(() -> {
            if (!connection.writable(streamId)) {
                if (data != null) {
                    data.release();
                }
                done.tryFailure(new IOException("the stream was reset"));
                return;
            }
            ChannelFuture f = headers != null ? connection.encoder().writeHeaders(ctx, streamId, headers, 0, end, done)
                    : connection.encoder().writeData(ctx, streamId, data, 0, end, done);
            connection.flush(ctx); // the handler's flush: it also writes what flow control holds
            if (f.isDone() && !f.isSuccess()) {
                done.tryFailure(f.cause());
            }
        });
        done.awaitUninterruptibly();
        if (!done.isSuccess()) {
            throw new IOException("the client went away", done.cause());
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (buf == null) {
            buf = ctx.alloc().buffer(CHUNK);
        }
        buf.writeBytes(b, off, len);
        if (buf.readableBytes() >= CHUNK) {
            flush();
        }
    }

    @Override
    public void flush() throws IOException {
        if (buf != null && buf.isReadable()) {
            ByteBuf chunk = buf;
            buf = null;
            send(null, chunk, false);
        }
    }

    void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
