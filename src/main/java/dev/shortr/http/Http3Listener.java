package dev.shortr.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3SettingsFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.http3.Http3SettingIdentifier;
import io.netty.handler.codec.http3.Http3SettingsFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP/3 listener: Netty's native QUIC codec on a UDP socket at the HTTPS listener's port number, with the
 * HTTP/3 codec on each connection and an {@link Http3Stream} on each request stream, in front of the same
 * dispatcher and fast path as HTTP/1.1. Its connections count against the same connection limit.
 *
 * <p>No Retry round trip (address validation tokens): quiche already caps what it sends to an unvalidated address
 * at three times what it received (RFC 9000 §8.1), and a Retry would throw away a resuming client's 0-RTT.
 */
final class Http3Listener {
    /** Request streams a connection may have open at once. */
    static final int MAX_STREAMS = 100;
    /** Flow-control window of a request stream: a whole default-sized body fits without waiting. */
    private static final int STREAM_WINDOW = 1 << 20;
    /** QPACK: the decoded header section may not exceed this (HTTP/1.1's head limit is the same). */
    private static final long MAX_FIELD_SECTION = 16 * 1024;

    private final HttpServer server;
    private final FastPath fastPath;
    private final AccessLog accessLog;
    private final int maxBody;
    private final AsciiString hsts;
    private final LongAdder earlyRequests = new LongAdder();
    private final LongAdder tooEarly = new LongAdder();
    private final LongAdder requests = new LongAdder();

    /** @param hsts the {@code Strict-Transport-Security} value every answer carries, or null */
    Http3Listener(HttpServer server, FastPath fastPath, AccessLog accessLog, int maxBody, AsciiString hsts) {
        this.server = server;
        this.fastPath = fastPath;
        this.accessLog = accessLog;
        this.maxBody = maxBody;
        this.hsts = hsts;
    }

    /**
     * Binds the UDP socket on {@code loops} (native epoll where available) and returns it, or throws
     * {@link IllegalStateException} when the port is taken.
     */
    Channel bind(EventLoopGroup loops, boolean epoll, String host, int port, QuicTermination tls, long idleMillis)
            throws InterruptedException {
        ChannelHandler codec = Http3.newQuicServerCodecBuilder()
                .sslEngineProvider(tls::newEngine)
                .tokenHandler(null) // no Retry (above)
                .maxIdleTimeout(idleMillis, TimeUnit.MILLISECONDS)
                .initialMaxData((long) STREAM_WINDOW * 16)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamsBidirectional(MAX_STREAMS)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        if (server.admit(ch)) {
                            ch.pipeline().addLast(connection());
                            // A server connection only starts reading streams once it is active, which is when the
                            // handshake completes: a resuming client's 0-RTT requests would wait for it, and early
                            // data would save nothing. Asking for the first read now lets them in as they arrive;
                            // auto-read keeps reading after that. (Http3Stream refuses what early data must not carry.)
                            ch.read();
                        }
                    }
                })
                .build();
        ChannelFuture bound = new Bootstrap()
                .group(loops)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .handler(codec)
                .bind(new InetSocketAddress(host, port)).await();
        if (!bound.isSuccess()) {
            String why = bound.cause() == null ? "unknown error" : bound.cause().getMessage();
            throw new IllegalStateException("cannot listen for HTTP/3 on udp " + host + ":" + port + ": " + why);
        }
        return bound.channel();
    }

    private ChannelHandler connection() {
        Http3SettingsFrame settings = new DefaultHttp3SettingsFrame();
        settings.put(Http3SettingIdentifier.HTTP3_SETTINGS_MAX_FIELD_SECTION_SIZE.id(), MAX_FIELD_SECTION);
        return new Http3ServerConnectionHandler(new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
                ch.pipeline().addLast(new Http3Stream(Http3Listener.this));
            }
        }, null, null, settings, true);
    }

    HttpServer server() {
        return server;
    }

    FastPath fastPath() {
        return fastPath;
    }

    int maxBody() {
        return maxBody;
    }

    AsciiString hsts() {
        return hsts;
    }

    /** A request head arrived in 0-RTT early data; {@code served} tells whether it may be answered. */
    void earlyData(boolean served) {
        earlyRequests.increment();
        if (!served) {
            tooEarly.increment();
        }
    }

    /** A request was answered: counted, and logged when the access log is on. */
    void served(InetSocketAddress remote, String method, String uri, int status, long startNanos) {
        requests.increment();
        if (accessLog != null) {
            accessLog.served(remote, method, uri, status, System.nanoTime() - startNanos);
        }
    }

    long requests() {
        return requests.sum();
    }

    long earlyRequests() {
        return earlyRequests.sum();
    }

    long tooEarly() {
        return tooEarly.sum();
    }
}
