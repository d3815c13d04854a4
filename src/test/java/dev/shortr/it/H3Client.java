package dev.shortr.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.SslEarlyDataReadyEvent;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small HTTP/3 client on Netty's own QUIC and HTTP/3 codecs (Debian's curl has no HTTP/3), for black-box tests:
 * connections to {@code 127.0.0.1:port} that send {@code name} as SNI and trust only {@code ca}. Session tickets are
 * kept per client, so a second connection resumes the first's session, and may send requests in its 0-RTT early data.
 */
final class H3Client implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final QuicSslContext tls;
    private final Channel udp;
    private final String name;
    private final int port;

    /** An HTTP/3 answer; header names are lower case, and the first value of each is kept. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** A request to send; {@code body} may be null. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {
        static Request get(String path, String... headerPairs) {
            return new Request("GET", path, pairs(headerPairs), null);
        }

        static Request of(String method, String path, String body, String... headerPairs) {
            return new Request(method, path, pairs(headerPairs), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        private static Map<String, String> pairs(String... kv) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < kv.length; i += 2) {
                m.put(kv[i], kv[i + 1]);
            }
            return m;
        }
    }

    H3Client(String name, int port, Path ca) {
        this.name = name;
        this.port = port;
        this.tls = QuicSslContextBuilder.forClient()
                .trustManager(ca.toFile())
                .applicationProtocols(Http3.supportedApplicationProtocols())
                .earlyData(true)
                .build();
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslContext(tls)
                // the session cache is keyed by this name and port: a later connection finds the ticket
                .sslEngineProvider(q -> tls.newEngine(q.alloc(), name, port))
                .maxIdleTimeout(10, TimeUnit.SECONDS)
                .initialMaxData(16 << 20)
                .initialMaxStreamDataBidirectionalLocal(4 << 20)
                .initialMaxStreamsBidirectional(100)
                .build();
        try {
            udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec).bind(0).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new connection, its handshake complete. */
    QuicChannel connect() {
        return connect(new Http3ClientConnectionHandler());
    }

    private QuicChannel connect(ChannelHandler handler) {
        try {
            return QuicChannel.newBootstrap(udp).handler(handler).remoteAddress(new InetSocketAddress("127.0.0.1", port))
                    .connect().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("HTTP/3 connection to 127.0.0.1:" + port + " (" + name + ") failed", e);
        }
    }

    /** A connection resumed with 0-RTT and what was sent in its early data, or null requests when it had none. */
    record Early(QuicChannel connection, boolean sentEarly, List<CompletableFuture<Response>> responses) {}

    /**
     * A new connection that sends {@code requests} in its early data as soon as the client may (before the
     * handshake completes), as a browser does for idempotent requests. When the client holds no ticket that allows
     * early data, nothing is sent early: {@link Early#sentEarly()} is false and the requests go after the handshake.
     */
    Early connectEarly(Request... requests) {
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < requests.length; i++) {
            responses.add(new CompletableFuture<>());
        }
        AtomicBoolean early = new AtomicBoolean();
        ChannelHandler handler = new Http3ClientConnectionHandler() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof SslEarlyDataReadyEvent) {
                    early.set(true);
                    // The event comes while the connection is sending its first flight, and a send from in there is
                    // only buffered until the next one (which, with the server's answer, is after the handshake):
                    // write once that flight is out, so the requests leave in 0-RTT packets.
                    ctx.channel().eventLoop().execute(() -> {
                        for (int i = 0; i < requests.length; i++) {
                            send((QuicChannel) ctx.channel(), requests[i], responses.get(i));
                        }
                    });
                }
                super.userEventTriggered(ctx, evt);
            }
        };
        QuicChannel ch = connect(handler);
        if (!early.get()) {
            for (int i = 0; i < requests.length; i++) {
                send(ch, requests[i], responses.get(i));
            }
        }
        return new Early(ch, early.get(), responses);
    }

    /** Sends {@code request} on a new stream of {@code ch} and waits for the whole answer. */
    static Response send(QuicChannel ch, Request request) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        send(ch, request, f);
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(request.method() + " " + request.path() + " over HTTP/3 failed", e);
        }
    }

    /** One request on a fresh connection, closed afterwards. */
    Response send(Request request) {
        QuicChannel ch = connect();
        try {
            return send(ch, request);
        } finally {
            ch.close().awaitUninterruptibly();
        }
    }

    private static void send(QuicChannel ch, Request request, CompletableFuture<Response> result) {
        Http3.newRequestStream(ch, new Collector(result)).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
            Http3Headers h = head.headers();
            h.method(request.method()).path(request.path()).scheme("https").authority("a.test");
            request.headers().forEach((k, v) -> h.add(k.toLowerCase(Locale.ROOT), v));
            if (request.body() == null) {
                stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else {
                stream.write(head);
                stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(request.body())))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        });
    }

    /** Gathers a response stream's HEADERS and DATA frames until the stream ends. */
    private static final class Collector extends Http3RequestStreamInboundHandler {
        private final CompletableFuture<Response> result;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private final Map<String, String> headers = new LinkedHashMap<>();

        Collector(CompletableFuture<Response> result) {
            this.result = result;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            if (status != 0) {
                return; // trailers
            }
            status = Integer.parseInt(String.valueOf(frame.headers().status()));
            frame.headers().forEach(e -> {
                String k = e.getKey().toString();
                if (!k.startsWith(":")) {
                    headers.putIfAbsent(k, e.getValue().toString());
                }
            });
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            ByteBuf c = frame.content();
            byte[] b = new byte[c.readableBytes()];
            c.readBytes(b);
            body.writeBytes(b);
            frame.release();
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            result.complete(new Response(status, headers, body.toString(StandardCharsets.UTF_8)));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            result.completeExceptionally(new IllegalStateException("the stream closed before its answer ended (status "
                    + status + ")"));
            super.channelInactive(ctx);
        }
    }

    @Override
    public void close() {
        udp.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

}
