package dev.shortr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;

/**
 * h2c by upgrade (RFC 7540 §3.2): a body-less HTTP/1.1 request with {@code Upgrade: h2c} and
 * {@code HTTP2-Settings} is answered {@code 101 Switching Protocols}, the HTTP/1.1 chain is taken out, and the
 * request itself is served as stream 1 of the new HTTP/2 connection.
 *
 * <p>Sits between Netty's HTTP/1.1 decoder and the {@link ConnectionHandler}. The {@link FastFront} never
 * answers a request with an {@code Upgrade} header ({@link RequestHead} leaves those to the full decoder), so an
 * upgrade always reaches this handler, while a redirect the fast path answers never meets it. Requests with a
 * body are not upgraded (they stay HTTP/1.1, which RFC 9110 §7.8 allows): aggregating a body here would hide
 * it from the connection handler's own bound and bookkeeping. Neither is a request pipelined behind one still
 * being answered, whose reply must not follow a 101.
 */
final class Http2Upgrade extends HttpServerUpgradeHandler {
    private static final AsciiString H2C = AsciiString.of(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME);

    private ChannelHandlerContext ctx;

    Http2Upgrade(Http2Chain chain) {
        super(ctx -> chain.dropHttp1(ctx.pipeline()),
                protocol -> AsciiString.contentEquals(H2C, protocol)
                        ? new Http2ServerUpgradeCodec(Http2Chain.HANDLER, chain.newHandler()) : null,
                0);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
        CharSequence upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !AsciiString.containsIgnoreCase(upgrade, H2C)
                || HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) != 0) {
            return false;
        }
        ConnectionHandler h1 = (ConnectionHandler) ctx.pipeline().get(HttpServer.HANDLER);
        return h1 == null || h1.idle();
    }
}
