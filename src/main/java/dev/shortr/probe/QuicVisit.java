package dev.shortr.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
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
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The visit over HTTP/3 with Netty's QUIC codec: the QUIC handshake (transport and TLS 1.3 in one round trip)
 * replaces TCP and TLS, then one GET on a request stream. A second connection from the same context resumes with
 * the first's session ticket, as a returning browser does.
 */
final class QuicVisit {
    static final List<String> ALPN = List.of("h3");

    record Result(Measurement.Connect connect, Measurement.Tls tls, Measurement.Http http) {}

    private QuicVisit() {}

    static Result visit(InetSocketAddress address, Target t, TrustRecorder trust, Duration timeout, String userAgent, int warmUps)
            throws LayerFailure {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Duration fastest = null;
            Channel warm = udp(group, context(trust.insecureTwin()), t, timeout);
            for (int i = 0; i < warmUps; i++) {
                try {
                    long begin = System.nanoTime();
                    QuicChannel w = connect(warm, address, timeout);
                    fastest = min(fastest, Duration.ofNanos(System.nanoTime() - begin));
                    request(w, t, "HEAD", userAgent, timeout);
                    w.close().sync();
                } catch (Exception e) {
                    break; // the measured connection will say what is wrong
                }
            }
            warm.close().sync();

            Channel udp = udp(group, context(trust), t, timeout);
            trust.begin();
            long start = System.nanoTime();
            QuicChannel q;
            try {
                q = connect(udp, address, timeout);
            } catch (Exception e) {
                Measurement.Tls seen = !trust.called() ? null : new Measurement.Tls(trust.protocol() == null ? "TLSv1.3" : trust.protocol(),
                        trust.cipher(), ALPN, null, TlsClient.chain(trust.chain()), trust.refused(), null, null);
                if (trust.refused() != null) {
                    throw new LayerFailure(Layer.QUIC, "certificate not trusted: " + trust.refused(), seen);
                }
                throw new LayerFailure(Layer.QUIC, failure(e, address, timeout), seen);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            fastest = min(fastest, took);
            SSLEngine engine = q.sslEngine();
            SSLSession session = engine.getSession();
            Measurement.Tls tls = new Measurement.Tls(session.getProtocol(), session.getCipherSuite(), ALPN, engine.getApplicationProtocol(),
                    TlsClient.chain(trust.chain()), trust.refused(), null, null);
            Measurement.Http http;
            try {
                http = request(q, t, "GET", userAgent, timeout);
            } finally {
                q.close().sync();
            }
            trust.begin();
            start = System.nanoTime();
            Measurement.Resumption resumption;
            try {
                QuicChannel again = connect(udp, address, timeout);
                Duration second = Duration.ofNanos(System.nanoTime() - start);
                fastest = min(fastest, second);
                resumption = new Measurement.Resumption(!trust.called(), second, null);
                again.close().sync();
            } catch (Exception e) {
                resumption = new Measurement.Resumption(false, null, Probe.message(e));
            }
            udp.close().sync();
            return new Result(new Measurement.Connect(Layer.QUIC, Probe.where(address), took, fastest), tls.with(resumption), http);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerFailure(Layer.QUIC, "interrupted");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    private static QuicSslContext context(TrustRecorder trust) {
        return QuicSslContextBuilder.forClient().trustManager(trust).applicationProtocols(ALPN.toArray(String[]::new)).build();
    }

    /** A UDP socket with the QUIC client codec; connections from it share {@code tls}'s session cache. */
    private static Channel udp(EventLoopGroup group, QuicSslContext tls, Target t, Duration timeout) throws InterruptedException {
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslContext(tls)
                // the session cache is keyed by host and port: the second connection finds the first's ticket
                .sslEngineProvider(q -> tls.newEngine(q.alloc(), t.host(), t.port()))
                .maxIdleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(1 << 20)
                .initialMaxStreamDataBidirectionalLocal(1 << 20)
                .initialMaxStreamsBidirectional(16)
                .build();
        return new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec).bind(0).sync().channel();
    }

    private static QuicChannel connect(Channel udp, InetSocketAddress address, Duration timeout) throws Exception {
        return QuicChannel.newBootstrap(udp).handler(new Http3ClientConnectionHandler()).remoteAddress(address)
                .connect().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    private static Measurement.Http request(QuicChannel q, Target t, String method, String userAgent, Duration timeout) throws LayerFailure,
            InterruptedException {
        CompletableFuture<Measurement.Http> answer = new CompletableFuture<>();
        long[] sent = new long[1];
        Http3.newRequestStream(q, new Answer(answer, sent)).addListener(f -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(f.cause());
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            Http3HeadersFrame head = new DefaultHttp3HeadersFrame();
            head.headers().method(method).path(t.path()).scheme("https").authority(t.authority()).add("user-agent", userAgent)
                    .add("accept", "*/*");
            stream.writeAndFlush(head).addListener(w -> sent[0] = System.nanoTime()).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new LayerFailure(Layer.HTTP, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new LayerFailure(Layer.HTTP, "the request failed: " + Probe.message(e.getCause()));
        }
    }

    private static String failure(Exception e, InetSocketAddress address, Duration timeout) {
        if (e instanceof TimeoutException) {
            return "no QUIC handshake with " + Probe.where(address) + " within " + timeout.toMillis()
                    + " ms (no HTTP/3 there, or UDP is blocked)";
        }
        return Probe.where(address) + ": " + Probe.message(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
    }

    /** The answer's HEADERS frame, timed from the request's write on the event loop. */
    private static final class Answer extends Http3RequestStreamInboundHandler {
        private final CompletableFuture<Measurement.Http> answer;
        private final long[] sent;

        Answer(CompletableFuture<Measurement.Http> answer, long[] sent) {
            this.answer = answer;
            this.sent = sent;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            long at = System.nanoTime();
            if (answer.isDone()) {
                return;
            }
            List<Measurement.Header> headers = new ArrayList<>();
            frame.headers().forEach(e -> {
                String k = e.getKey().toString();
                if (!k.startsWith(":")) {
                    headers.add(new Measurement.Header(k, e.getValue().toString()));
                }
            });
            try {
                int status = Integer.parseInt(String.valueOf(frame.headers().status()));
                answer.complete(new Measurement.Http("HTTP/3", status, List.copyOf(headers), Duration.ofNanos(at - sent[0])));
            } catch (NumberFormatException e) {
                answer.completeExceptionally(new IllegalStateException("an HTTP/3 answer without a valid :status"));
            }
            ctx.close();
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            frame.release();
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IllegalStateException("the stream ended without an answer"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }
}
