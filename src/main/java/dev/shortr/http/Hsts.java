package dev.shortr.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * Adds {@code Strict-Transport-Security} (RFC 6797) to every response object on an HTTPS connection. Only
 * HTTPS pipelines have it: a browser ignores the header over cleartext, and it would cost the cleartext path a
 * header for nothing. Redirects written as ready-made bytes get it from {@link RequestHead#responseHeaders()}.
 */
@ChannelHandler.Sharable
final class Hsts extends ChannelOutboundHandlerAdapter {
    static final AsciiString NAME = AsciiString.cached("strict-transport-security");
    private final AsciiString value;

    Hsts(String value) {
        this.value = AsciiString.cached(value);
    }

    /** The header as a redirect's pre-encoded bytes carry it: CRLF, name, colon, value. */
    byte[] line() {
        return ("\r\n" + NAME + ": " + value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            res.headers().set(NAME, value);
        }
        ctx.write(msg, promise);
    }
}
