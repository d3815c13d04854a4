package dev.shortr.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Java load client of {@code bench/h3}: redirects per second over HTTP/3 (Netty's QUIC and HTTP/3 codecs), HTTP/2
 * over TLS or HTTP/1.1 over TLS (Netty with BoringSSL), from one event-loop thread, so the protocols are measured with
 * the same client. Each connection keeps {@code streams} requests in flight (HTTP/1.1: one, it has no multiplexing),
 * and a request is sent again as soon as its answer is complete. HTTP/3 and HTTP/2 both open a child channel per
 * request (Netty's stream channels), so their client costs are alike.
 *
 * <pre>
 * java -cp ... dev.shortr.bench.RedirectLoad PROTO(h3|h2|h1) PORT CA.pem PATH CONNS STREAMS WARMUP_S DURATION_S
 * </pre>
 * Prints one line: {@code proto conns streams requests seconds req/s non3xx errors}.
 */
public final class RedirectLoad {
    private final LongAdder done = new LongAdder();
    private final LongAdder bad = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile boolean running = true;

    public static void main(String[] args) throws Exception {
        String proto = args[0];
        int port = Integer.parseInt(args[1]);
        File ca = new File(args[2]);
        String path = args[3];
        int conns = Integer.parseInt(args[4]);
        int streams = Integer.parseInt(args[5]);
        double warmup = Double.parseDouble(args[6]);
        double duration = Double.parseDouble(args[7]);
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        RedirectLoad load = new RedirectLoad();
        try {
            if (proto.equals("h3")) {
                load.h3(group, epoll, port, ca, path, conns, streams);
            } else if (proto.equals("h2")) {
                load.h2(group, epoll, port, ca, path, conns, streams);
            } else {
                load.h1(group, epoll, port, ca, path, conns);
                streams = 1;
            }
            Thread.sleep((long) (warmup * 1000));
            long n0 = load.done.sum();
            long b0 = load.bad.sum();
            long e0 = load.errors.sum();
            long t0 = System.nanoTime();
            Thread.sleep((long) (duration * 1000));
            long n = load.done.sum() - n0;
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s %d %d %d %.3f %.0f %d %d%n", proto, conns, streams, n, secs, n / secs,
                    load.bad.sum() - b0, load.errors.sum() - e0);
        } finally {
            load.running = false;
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    // ---- HTTP/3 ------------------------------------------------------------------------------------------------------

    private void h3(EventLoopGroup group, boolean epoll, int port, File ca, String path, int conns, int streams) throws Exception {
        QuicSslContext tls = QuicSslContextBuilder.forClient().trustManager(ca)
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        Channel udp = new Bootstrap().group(group).channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .handler(Http3.newQuicClientCodecBuilder().sslContext(tls)
                        .sslEngineProvider(q -> tls.newEngine(q.alloc(), "localhost", port))
                        .maxIdleTimeout(30, TimeUnit.SECONDS)
                        .initialMaxData(64 << 20)
                        .initialMaxStreamDataBidirectionalLocal(1 << 20)
                        .initialMaxStreamsBidirectional(1000)
                        .build())
                .bind(0).sync().channel();
        List<QuicChannel> open = new ArrayList<>();
        for (int c = 0; c < conns; c++) {
            open.add(QuicChannel.newBootstrap(udp).handler(new Http3ClientConnectionHandler())
                    .remoteAddress(new InetSocketAddress("127.0.0.1", port)).connect().get(10, TimeUnit.SECONDS));
        }
        for (QuicChannel ch : open) {
            for (int s = 0; s < streams; s++) {
                ch.eventLoop().execute(() -> h3Request(ch, path));
            }
        }
    }

    private void h3Request(QuicChannel ch, String path) {
        if (!running || !ch.isActive()) {
            return;
        }
        Http3.newRequestStream(ch, new Http3RequestStreamInboundHandler() {
            private int status;

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
                status = Integer.parseInt(String.valueOf(frame.headers().status()));
            }

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
                frame.release();
            }

            @Override
            protected void channelInputClosed(ChannelHandlerContext ctx) {
                (status >= 300 && status < 400 ? done : bad).increment();
                ctx.close();
                h3Request(ch, path);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.increment();
                ctx.close();
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                errors.increment();
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
            head.headers().method("GET").path(path).scheme("https").authority("localhost");
            stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        });
    }

    // ---- HTTP/2 over TLS --------------------------------------------------------------------------------------------

    private void h2(EventLoopGroup group, boolean epoll, int port, File ca, String path, int conns, int streams) throws Exception {
        SslContext tls = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(ca).protocols("TLSv1.3")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"))
                .build();
        Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port))
                                .addLast(Http2FrameCodecBuilder.forClient().build())
                                .addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                });
        for (int c = 0; c < conns; c++) {
            Channel ch = b.connect("127.0.0.1", port).sync().channel();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            ssl.handshakeFuture().sync();
            if (!"h2".equals(ssl.applicationProtocol())) {
                throw new IllegalStateException("the server did not choose h2 in ALPN: " + ssl.applicationProtocol());
            }
            for (int s = 0; s < streams; s++) {
                ch.eventLoop().execute(() -> h2Request(ch, path));
            }
        }
    }

    private void h2Request(Channel connection, String path) {
        if (!running || !connection.isActive()) {
            return;
        }
        new Http2StreamChannelBootstrap(connection).handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
            private int status;

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                boolean end = false;
                if (frame instanceof Http2HeadersFrame h) {
                    CharSequence s = h.headers().status();
                    if (s != null) {
                        status = Integer.parseInt(s.toString());
                    }
                    end = h.isEndStream();
                } else if (frame instanceof Http2DataFrame d) {
                    end = d.isEndStream();
                }
                if (end) {
                    (status >= 300 && status < 400 ? done : bad).increment();
                    ctx.close();
                    h2Request(connection, path);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.increment();
                ctx.close();
            }
        }).open().addListener(f -> {
            if (!f.isSuccess()) {
                errors.increment();
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            Http2Headers head = new DefaultHttp2Headers().method("GET").path(path).scheme("https").authority("localhost");
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(head, true));
        });
    }

    // ---- HTTP/1.1 over TLS ------------------------------------------------------------------------------------------

    private void h1(EventLoopGroup group, boolean epoll, int port, File ca, String path, int conns) throws Exception {
        SslContext tls = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).trustManager(ca)
                .protocols("TLSv1.3").build();
        Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port))
                                .addLast(new HttpClientCodec())
                                .addLast(new SimpleChannelInboundHandler<HttpObject>() {
                                    private int status;

                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) {
                                        h1Request(ctx.channel(), path);
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                        if (msg instanceof HttpResponse res) {
                                            status = res.status().code();
                                        }
                                        if (msg instanceof LastHttpContent) {
                                            (status >= 300 && status < 400 ? done : bad).increment();
                                            h1Request(ctx.channel(), path);
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        errors.increment();
                                        ctx.close();
                                    }
                                });
                    }
                });
        for (int c = 0; c < conns; c++) {
            b.connect("127.0.0.1", port).sync();
        }
    }

    private void h1Request(Channel ch, String path) {
        if (!running) {
            return;
        }
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set(HttpHeaderNames.HOST, "localhost");
        ch.writeAndFlush(req);
    }

}
