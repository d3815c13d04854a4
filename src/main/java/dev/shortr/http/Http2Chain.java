package dev.shortr.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.EmptyHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Where HTTP/2 joins a connection's pipeline. The three ways in all end in one {@link Http2Handler}:
 * <ul>
 *   <li>h2c by prior knowledge: {@link #preface()} goes first on a cleartext connection;</li>
 *   <li>h2c by upgrade: {@link #upgrade()} goes between the HTTP/1.1 decoder and the connection handler;</li>
 *   <li>h2 over TLS: the ALPN handler calls {@link #configure} when the handshake chose {@code h2}.</li>
 * </ul>
 */
final class Http2Chain {
    /** The HTTP/2 handler's name in the pipeline. */
    static final String HANDLER = "h2";
    static final String PREFACE = "h2-preface";
    static final String UPGRADE = "h2-upgrade";
    /** The HTTP/1.1 chain's handlers, which HTTP/2 replaces. */
    private static final String[] HTTP1 = {HttpServer.HANDLER, UPGRADE, "encoder", HttpServer.DECODER, "fast"};

    private final HttpServer server;
    private final FastPath fastPath;
    private final AccessLog accessLog;
    private final int maxBody;
    private final Http2Limits limits;

    Http2Chain(HttpServer server, FastPath fastPath, AccessLog accessLog, int maxBody, Http2Limits limits) {
        this.server = server;
        this.fastPath = fastPath;
        this.accessLog = accessLog;
        this.maxBody = maxBody;
        this.limits = limits;
    }

    /**
     * Adds the HTTP/2 handler at the end of {@code p}: the TLS listener's ALPN handler calls this once the
     * handshake chose {@code h2}, with {@code always} holding the headers every HTTPS answer carries
     * ({@code strict-transport-security}).
     */
    void configure(ChannelPipeline p, Http2Headers always) {
        p.addLast(HANDLER, newHandler(always));
    }

    /** A handler for h2c: no headers beyond each answer's own. */
    Http2Handler newHandler() {
        return newHandler(EmptyHttp2Headers.INSTANCE);
    }

    private Http2Handler newHandler(Http2Headers always) {
        return new Http2Handler.Builder(server, fastPath, accessLog, maxBody, limits, always).create();
    }

    /** The prior-knowledge sniffer, first on a cleartext connection (before the fast front). */
    ChannelHandler preface() {
        return new Http2Preface(this);
    }

    /** The h2c upgrade, between the HTTP/1.1 decoder and the connection handler. */
    ChannelHandler upgrade() {
        return new Http2Upgrade(this);
    }

    /** Prior knowledge: the HTTP/1.1 chain out, the HTTP/2 handler in, right after {@code after} (the sniffer). */
    void replaceHttp1(ChannelPipeline p, String after) {
        dropHttp1(p);
        if (p.get(UPGRADE) != null) {
            p.remove(UPGRADE);
        }
        p.addAfter(after, HANDLER, newHandler());
    }

    /** Takes the HTTP/1.1 handlers out, all but the upgrade handler, which removes itself once it is done. */
    void dropHttp1(ChannelPipeline p) {
        for (String name : HTTP1) {
            if (!name.equals(UPGRADE) && p.get(name) != null) {
                p.remove(name);
            }
        }
    }
}
