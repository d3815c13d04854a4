package dev.shortr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.util.function.Consumer;

/**
 * After the TLS handshake, builds the HTTP chain for the protocol ALPN chose ({@link HttpServer#ALPN}); a
 * client that offered no ALPN gets HTTP/1.1. Bytes read meanwhile are passed on once the chain is in place.
 */
final class Alpn extends ApplicationProtocolNegotiationHandler {
    private final Consumer<ChannelPipeline> http1;
    /** Null when HTTP/2 is off (then {@code h2} is never chosen: see {@link HttpServer#ALPN}'s use). */
    private final Consumer<ChannelPipeline> http2;

    Alpn(Consumer<ChannelPipeline> http1, Consumer<ChannelPipeline> http2) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.http1 = http1;
        this.http2 = http2;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        switch (protocol) {
            case ApplicationProtocolNames.HTTP_1_1 -> http1.accept(ctx.pipeline());
            case ApplicationProtocolNames.HTTP_2 -> {
                if (http2 != null) {
                    http2.accept(ctx.pipeline());
                } else {
                    ctx.close(); // not offered when HTTP/2 is off
                }
            }
            default -> ctx.close(); // never offered, so a handshake cannot have chosen it
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // scanners, clients with old protocols, closed connections: nothing an operator can act on, so no log
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
