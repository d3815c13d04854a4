package dev.shortr.http;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslEngine;

/**
 * Terminates TLS on the HTTP/3 listener: QUIC carries TLS 1.3 inside its handshake, so instead of a handler it
 * hands the QUIC codec an engine for each new connection, with ALPN {@code h3} and the HTTPS listener's certificates.
 */
@FunctionalInterface
public interface QuicTermination {
    QuicSslEngine newEngine(QuicChannel connection);
}
