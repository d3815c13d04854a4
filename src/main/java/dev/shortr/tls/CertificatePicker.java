package dev.shortr.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The first handler of an HTTPS connection. It reads the ClientHello before any TLS engine exists, picks the
 * context for its SNI name and for the certificate kinds the client takes (ECDSA first), staples that
 * certificate's OCSP response to the new engine, and replaces itself with the engine's {@link SslHandler}.
 */
final class CertificatePicker extends SniHandler {
    private final Supplier<Contexts> contexts;
    private ClientHello.Accepts accepts = ClientHello.Accepts.BOTH;
    private Contexts.Served served;

    CertificatePicker(Supplier<Contexts> contexts) {
        super(name -> contexts.get().forName(name, ClientHello.Accepts.BOTH).context()); // lookup below replaces it
        this.contexts = contexts;
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) throws Exception {
        accepts = ClientHello.accepts(clientHello);
        return super.lookup(ctx, clientHello); // reads the SNI name, then calls the lookup below
    }

    @Override
    protected Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
        served = contexts.get().forName(hostname, accepts);
        return ctx.executor().newSucceededFuture(served.context());
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = super.newSslHandler(context, allocator);
        byte[] staple = served == null ? null : served.credential().staple();
        if (staple != null && handler.engine() instanceof ReferenceCountedOpenSslEngine engine && served.ocsp()) {
            engine.setOcspResponse(staple);
        }
        return handler;
    }
}
