package dev.shortr.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * Terminates TLS on the HTTPS listener. The handler it makes goes first in each connection's pipeline (after
 * the idle timer), in front of the same HTTP chain the cleartext listener runs; once its handshake is done,
 * the ALPN protocol it negotiated ({@link HttpServer#ALPN}) picks that chain.
 */
@FunctionalInterface
public interface TlsTermination {
    /** A new handler for {@code channel}: an {@code SslHandler}, or an {@code SniHandler} that picks one by name. */
    ChannelHandler newHandler(Channel channel);
}
