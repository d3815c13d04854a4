package dev.shortr.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.util.ResourceLeakDetector;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 listeners: cleartext, and HTTPS beside it when configured, on the same event loops and in front
 * of the same chain (so every route and the redirect fast path work over both). Netty with native epoll where
 * available, {@code TCP_NODELAY}, idle timeouts, and a bounded number of requests in flight on virtual threads. {@link #close} is graceful: stop accepting, let
 * in-flight requests finish within the grace period, then close every connection.
 */
public final class HttpServer implements AutoCloseable {
    static final String SERVER_NAME = "shortr";
    static final String DECODER = "decoder";
    static final String HANDLER = "shortr";
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_IN_FLIGHT = 2048;
    private static final byte[] NO_HEADERS = new byte[0];
    private static final HttpDecoderConfig DECODER_CONFIG = new HttpDecoderConfig()
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(16 * 1024)
            .setMaxChunkSize(64 * 1024);

    static {
        // leak tracking records a stack trace for a sample of buffers: a debugging aid, not for production;
        // -Dio.netty.leakDetection.level=paranoid turns it back on
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /**
     * The application protocols the HTTPS listener offers in ALPN, most preferred first; a client that offers
     * none gets HTTP/1.1. HTTP/2 adds {@code h2} in front, and a case to {@link Alpn#configurePipeline}.
     */
    public static final List<String> ALPN = List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    /**
     * Listener settings; a subset of the node config so this package stays free of it.
     *
     * @param https the HTTPS listener beside the cleartext one, or null for none
     */
    public record Settings(String host, int port, int ioThreads, int maxBodyBytes, Duration idleTimeout, Duration headerTimeout,
                           int maxConnections, Https https) {
        /** With the defaults for the newer limits (tests, tools). */
        public Settings(String host, int port, int ioThreads, int maxBodyBytes, Duration idleTimeout) {
            this(host, port, ioThreads, maxBodyBytes, idleTimeout, null);
        }

        public Settings(String host, int port, int ioThreads, int maxBodyBytes, Duration idleTimeout, Https https) {
            this(host, port, ioThreads, maxBodyBytes, idleTimeout, Duration.ofSeconds(10), 10_000, https);
        }
    }

    /** Sent, before closing, to a connection over {@link Settings#maxConnections}. */
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nretry-after: 1\r\n"
            + "connection: close\r\nserver: " + SERVER_NAME + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean draining;

    /**
     * The HTTPS listener: the same routes and fast path behind TLS.
     *
     * @param port              0 binds an ephemeral port
     * @param tls               makes each connection's TLS handler
     * @param hsts              the {@code Strict-Transport-Security} value for every HTTPS answer, or null for none
     * @param redirectCleartext the cleartext listener answers 308 to HTTPS (except health checks and ACME challenges)
     * @param publicUrl         the redirects' base when it is an https URL; else the request's host and this port
     * @param quic              serves HTTP/3 over QUIC on UDP at the same port number, advertised by {@code Alt-Svc}
     *                          on the HTTPS answers; null for none
     */
    public record Https(int port, TlsTermination tls, String hsts, boolean redirectCleartext, String publicUrl,
                        QuicTermination quic) {
        /** Without HTTP/3. */
        public Https(int port, TlsTermination tls, String hsts, boolean redirectCleartext, String publicUrl) {
            this(port, tls, hsts, redirectCleartext, publicUrl, null);
        }
    }

    private final Settings settings;
    private final Dispatcher dispatcher;
    private final FastPath fastPath;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
    private final Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup loops;
    private Channel listener;
    private Channel tlsListener;
    private int tlsPort = -1;
    private Channel quicListener;
    private Http3Listener http3;
    /** What every HTTPS answer carries; set once the ports are known, before anyone can learn an ephemeral one. */
    private volatile HttpsHeaders httpsHeaders;

    private final AccessLog accessLog;

    /** HTTP/2's way into a connection, or null when HTTP/2 is off. */
    private final Http2Chain http2;

    /** @param accessLog null to log nothing */
    public HttpServer(Settings settings, Dispatcher dispatcher, FastPath fastPath, AccessLog accessLog) {
        this(settings, dispatcher, fastPath, accessLog, null);
    }

    /**
     * @param accessLog null to log nothing
     * @param http2     HTTP/2's limits, or null to speak HTTP/1.x only
     */
    public HttpServer(Settings settings, Dispatcher dispatcher, FastPath fastPath, AccessLog accessLog, Http2Limits http2) {
        this.settings = settings;
        this.accessLog = accessLog;
        this.dispatcher = dispatcher;
        this.fastPath = fastPath;
        this.http2 = http2 == null ? null : new Http2Chain(this, fastPath, accessLog, settings.maxBodyBytes(), http2);
    }

    /** Binds the cleartext listener (and the HTTPS one, when configured) and returns the cleartext port. */
    public int start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        loops = new MultiThreadIoEventLoopGroup(settings.ioThreads(), io);
        Https https = settings.https();
        ToHttps toHttps = null;
        try {
            if (https != null) {
                // HTTPS first: the cleartext redirects name its port, which may be an ephemeral one
                httpsHeaders = https.port() == 0 ? null : httpsHeaders(https, https.port());
                bindHttps(channelType, https, epoll);
                httpsHeaders = httpsHeaders(https, tlsPort);
                toHttps = https.redirectCleartext() ? new ToHttps(https.publicUrl(), tlsPort) : null;
            }
            listener = bind(channelType, settings.port(), cleartextChannel(toHttps));
        } catch (IllegalStateException e) {
            channels.close().awaitUninterruptibly();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        loops.scheduleAtFixedRate(HttpDate::refresh, 1000 - System.currentTimeMillis() % 1000, 1000, TimeUnit.MILLISECONDS);
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        log.info("listening on http://{}:{} ({} transport, {} event-loop threads){}", settings.host(), port,
                epoll ? "epoll" : "nio", settings.ioThreads(), tlsListener == null ? ""
                        : " and https://" + settings.host() + ":" + tlsPort + (quicListener == null ? "" : " (HTTP/3 on udp too)")
                        + (https.redirectCleartext() ? "; cleartext requests are redirected to HTTPS" : ""));
        return port;
    }

    /**
     * Binds the HTTPS listener, and HTTP/3's UDP socket at the same port number. With an ephemeral port, a number
     * that is free for TCP may be taken for UDP: then both are tried again on a new one.
     */
    private void bindHttps(Class<? extends ServerChannel> channelType, Https https, boolean epoll) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            tlsListener = bind(channelType, https.port(), secureChannel());
            tlsPort = ((InetSocketAddress) tlsListener.localAddress()).getPort();
            if (https.quic() == null) {
                return;
            }
            Http3Listener h3 = new Http3Listener(this, fastPath, accessLog, settings.maxBodyBytes(),
                    https.hsts() == null ? null : io.netty.util.AsciiString.cached(https.hsts()));
            try {
                quicListener = h3.bind(loops, epoll, settings.host(), tlsPort, https.quic(), settings.idleTimeout().toMillis());
                channels.add(quicListener);
                http3 = h3;
                return;
            } catch (IllegalStateException e) {
                if (https.port() != 0 || attempt == 10) {
                    throw e;
                }
                tlsListener.close().awaitUninterruptibly();
            }
        }
    }

    private static HttpsHeaders httpsHeaders(Https https, int port) {
        return new HttpsHeaders(https.hsts(), https.quic() == null ? null : HttpsHeaders.altSvcH3(port));
    }

    /** HTTP/3 requests answered so far (0 when HTTP/3 is off). */
    public long http3Requests() {
        return http3 == null ? 0 : http3.requests();
    }

    /** HTTP/3 request heads that arrived in 0-RTT early data, served or refused. */
    public long http3EarlyRequests() {
        return http3 == null ? 0 : http3.earlyRequests();
    }

    /** Requests in early data refused with 425 Too Early (any method but GET and HEAD). */
    public long http3TooEarly() {
        return http3 == null ? 0 : http3.tooEarly();
    }

    /** True while HTTP/3 is served (on UDP at {@link #tlsPort()}). */
    public boolean http3() {
        return quicListener != null;
    }

    /** The first event loop (for work that must share the loops' cores in short slices); after {@link #start()}. */
    public java.util.concurrent.ScheduledExecutorService loop() {
        return loops.iterator().next();
    }

    /** The HTTPS listener's bound port, or -1 when there is none. */
    public int tlsPort() {
        return tlsPort;
    }

    private Channel bind(Class<? extends ServerChannel> channelType, int port, ChannelInitializer<SocketChannel> init)
            throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                // no boss thread: a listener accepts on an event loop, and with one loop (or for the connections
                // that land on the listener's own loop) the new channel is registered in place, without a
                // hand-off between threads: new TLS connections cost a context switch or two less each
                .group(loops, loops)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(init);
        io.netty.channel.ChannelFuture bound = b.bind(new InetSocketAddress(settings.host(), port)).await();
        if (!bound.isSuccess()) {
            String why = bound.cause() == null ? "unknown error" : bound.cause().getMessage();
            if (why != null && why.contains("Address already in use")) {
                why = "address already in use";
            }
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + port + ": " + why);
        }
        channels.add(bound.channel());
        return bound.channel();
    }

    private long idleSeconds() {
        return Math.max(1, settings.idleTimeout().toSeconds());
    }

    private ChannelInitializer<SocketChannel> cleartextChannel(ToHttps toHttps) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (!admit(ch)) {
                    return;
                }
                // reader-idle only: tracking writes too would allocate a promise per response
                ch.pipeline().addLast("idle", new IdleStateHandler(idleSeconds(), 0, 0, TimeUnit.SECONDS));
                boolean h2c = http2 != null && toHttps == null; // a listener that only sends to HTTPS needs no h2c
                if (h2c) {
                    ch.pipeline().addLast(Http2Chain.PREFACE, http2.preface());
                }
                addHttp1(ch.pipeline(), toHttps == null ? fastPath : toHttps, NO_HEADERS, null, false, toHttps, h2c);
            }
        };
    }

    private ChannelInitializer<SocketChannel> secureChannel() {
        Https https = settings.https();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (!admit(ch)) {
                    return;
                }
                HttpsHeaders headers = httpsHeaders != null ? httpsHeaders : new HttpsHeaders(https.hsts(), null);
                HttpsHeaders handler = headers.isEmpty() ? null : headers;
                byte[] line = headers.line();
                // the idle timer goes first so that it also ends connections stuck in their handshake
                ch.pipeline().addLast("idle", new IdleStateHandler(idleSeconds(), 0, 0, TimeUnit.SECONDS))
                        .addLast("tls", https.tls().newHandler(ch))
                        .addLast("alpn", new Alpn(pipeline -> addHttp1(pipeline, fastPath, line, handler, true, null, false),
                                http2 == null ? null : pipeline -> http2.configure(pipeline, h2Headers(headers))));
            }
        };
    }

    /** The headers every h2 answer on the HTTPS listener carries: HSTS, and Alt-Svc when HTTP/3 is on. */
    private static io.netty.handler.codec.http2.Http2Headers h2Headers(HttpsHeaders headers) {
        io.netty.handler.codec.http2.Http2Headers h = new io.netty.handler.codec.http2.DefaultHttp2Headers();
        if (headers.hsts() != null) {
            h.set("strict-transport-security", headers.hsts());
        }
        if (headers.altSvc() != null) {
            h.set("alt-svc", headers.altSvc());
        }
        return h;
    }

    /**
     * Counts a new connection, and turns it away, with a short 503 before a byte of it is read, when
     * {@link Settings#maxConnections} are open. True when it may be served. A connection accepted in the moment
     * between the start of a shutdown and the listener's close is served (its answers say {@code connection:
     * close}): a 503 there reached clients through a load balancer, which would have sent the request to another
     * node had the connection been refused instead (ThreeNodesIT).
     */
    private boolean admit(SocketChannel ch) {
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        if (open.incrementAndGet() > settings.maxConnections()) {
            refused.increment();
            ch.config().setAutoRead(false);
            ch.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
            return false;
        }
        channels.add(ch);
        return true;
    }

    /**
     * Counts a new HTTP/3 connection, and closes it (H3_EXCESSIVE_LOAD) when {@link Settings#maxConnections} are
     * open or a shutdown has begun. True when it may be served.
     */
    boolean admit(io.netty.handler.codec.quic.QuicChannel ch) {
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        if (open.incrementAndGet() > settings.maxConnections() || draining) {
            refused.increment();
            ch.close(true, 0x0107, Unpooled.EMPTY_BUFFER);
            return false;
        }
        channels.add(ch);
        return true;
    }

    /** The HTTP/1.1 chain both listeners run: the fast front, Netty's codec, and the connection handler. */
    private void addHttp1(ChannelPipeline p, FastPath fast, byte[] responseHeaders, HttpsHeaders httpsHeaders, boolean secure,
                          ToHttps toHttps, boolean h2cUpgrade) {
        p.addLast("fast", new FastFront(fast, accessLog, responseHeaders, this, settings.headerTimeout().toNanos()))
                .addLast(DECODER, new FastFront.Decoder(DECODER_CONFIG))
                .addLast("encoder", new HttpResponseEncoder());
        if (httpsHeaders != null) {
            p.addLast("https-headers", httpsHeaders);
        }
        if (h2cUpgrade) {
            p.addLast(Http2Chain.UPGRADE, http2.upgrade());
        }
        p.addLast(HANDLER, new ConnectionHandler(this, settings.maxBodyBytes(), accessLog, secure, toHttps));
    }

    /** Open connections now, on both listeners. */
    public int connections() {
        return open.get();
    }

    /** Connections refused so far because {@link Settings#maxConnections} were open. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** True once a shutdown has begun: answers say {@code connection: close}. */
    boolean draining() {
        return draining;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    ExecutorService workers() {
        return workers;
    }

    boolean tryEnter() {
        if (!permits.tryAcquire()) {
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    void leave() {
        inFlight.decrementAndGet();
        permits.release();
    }

    /** Stops accepting, waits up to {@code grace} for in-flight requests, then closes everything. */
    public void shutdown(Duration grace) {
        draining = true;
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        if (tlsListener != null) {
            tlsListener.close().awaitUninterruptibly();
        }
        // keep-alive connections with nothing in progress go now; the others once their answer is out
        for (Channel ch : channels) {
            if (ch != listener && ch != tlsListener) {
                ch.eventLoop().execute(() -> {
                    FastFront front = ch.pipeline().get(FastFront.class);
                    if (front != null && front.quiet()) {
                        ch.close();
                    }
                });
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            log.warn("shutting down with {} requests still in flight after {}", inFlight.get(), grace);
        }
        channels.close().awaitUninterruptibly();
        workers.shutdown();
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
