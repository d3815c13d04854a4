package dev.shortr.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import io.netty.util.ResourceLeakDetector;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener (HTTP/1.1, and h2c through {@link Http2Chain} when HTTP/2 is on): Netty with native epoll where available, {@code TCP_NODELAY}, idle timeouts, and a
 * bounded number of requests in flight on virtual threads. {@link #close} is graceful: stop accepting, let
 * in-flight requests finish within the grace period, then close every connection.
 */
public final class HttpServer implements AutoCloseable {
    static final String SERVER_NAME = "shortr";
    static final String DECODER = "decoder";
    static final String HANDLER = "shortr";
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_IN_FLIGHT = 2048;

    static {
        // leak tracking records a stack trace for a sample of buffers: a debugging aid, not for production;
        // -Dio.netty.leakDetection.level=paranoid turns it back on
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    /** Listener settings; a subset of the node config so this package stays free of it. */
    public record Settings(String host, int port, int ioThreads, int maxBodyBytes, Duration idleTimeout) {}

    private final Settings settings;
    private final Dispatcher dispatcher;
    private final FastPath fastPath;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
    private final Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ChannelGroup channels = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup boss;
    private EventLoopGroup loops;
    private Channel listener;

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

    /** Binds and returns the bound port. */
    public int start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        boss = new MultiThreadIoEventLoopGroup(1, io);
        loops = new MultiThreadIoEventLoopGroup(settings.ioThreads(), io);
        long idleSeconds = Math.max(1, settings.idleTimeout().toSeconds());
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(16 * 1024)
                .setMaxChunkSize(64 * 1024);
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, loops)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ChannelPipeline p = ch.pipeline()
                                // reader-idle only: tracking writes too would allocate a promise per response
                                .addLast("idle", new IdleStateHandler(idleSeconds, 0, 0, TimeUnit.SECONDS));
                        if (http2 != null) {
                            p.addLast(Http2Chain.PREFACE, http2.preface());
                        }
                        p.addLast("fast", new FastFront(fastPath, accessLog))
                                .addLast(DECODER, new FastFront.Decoder(decoder))
                                .addLast("encoder", new HttpResponseEncoder());
                        if (http2 != null) {
                            p.addLast(Http2Chain.UPGRADE, http2.upgrade());
                        }
                        p.addLast(HANDLER, new ConnectionHandler(HttpServer.this, settings.maxBodyBytes(), accessLog));
                    }
                });
        io.netty.channel.ChannelFuture bound = b.bind(new InetSocketAddress(settings.host(), settings.port())).await();
        if (!bound.isSuccess()) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            String why = bound.cause() == null ? "unknown error" : bound.cause().getMessage();
            if (why != null && why.contains("Address already in use")) {
                why = "address already in use";
            }
            throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + why);
        }
        listener = bound.channel();
        channels.add(listener);
        loops.scheduleAtFixedRate(HttpDate::refresh, 1000 - System.currentTimeMillis() % 1000, 1000, TimeUnit.MILLISECONDS);
        int port = ((InetSocketAddress) listener.localAddress()).getPort();
        log.info("listening on http://{}:{} ({} transport, {} event-loop threads{})", settings.host(), port,
                epoll ? "epoll" : "nio", settings.ioThreads(), http2 == null ? "" : "; h2c by prior knowledge and upgrade");
        return port;
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
        if (listener != null) {
            listener.close().awaitUninterruptibly();
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
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }
}
