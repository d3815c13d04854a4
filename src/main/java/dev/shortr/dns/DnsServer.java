package dev.shortr.dns;

import dev.shortr.dns.zone.Zone;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket loop around {@link Answerer}: DNS over UDP and over TCP (RFC 7766: two-byte length framing,
 * pipelined queries answered in order, idle connections closed) on one port. On Linux with epoll, each
 * thread has its own UDP socket on the port (SO_REUSEPORT), so the kernel spreads queries over them.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final int MAX_QUERY_DATAGRAM = 1472;

    /** Where to listen and how much to allow; a TCP connection with nothing read or written for {@code tcpIdle} is closed. */
    public record Settings(String host, int port, int threads, int maxTcpConnections, Duration tcpIdle) {
        public Settings {
            if (port < 0 || port > 65_535 || threads < 1 || threads > 64 || maxTcpConnections < 1) {
                throw new IllegalArgumentException("port 0-65535, threads 1-64, maxTcpConnections at least 1");
            }
            if (tcpIdle.toMillis() < 1) {
                throw new IllegalArgumentException("tcpIdle is at least 1 ms");
            }
        }

        /** With idle TCP connections closed after 10 s. */
        public Settings(String host, int port, int threads, int maxTcpConnections) {
            this(host, port, threads, maxTcpConnections, Duration.ofSeconds(10));
        }
    }

    private final Settings settings;
    private final Answerer answerer;
    private final Supplier<Zone> zone;
    private final DnsStats stats;
    private final ResponseRateLimit rrl = new ResponseRateLimit();
    private final ResponseCache cache = new ResponseCache();
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private final List<Channel> channels = new ArrayList<>();
    private EventLoopGroup loops;
    private int port;

    public DnsServer(Settings settings, Answerer answerer, Supplier<Zone> zone, DnsStats stats) {
        this.settings = settings;
        this.answerer = answerer;
        this.zone = zone;
        this.stats = stats;
    }

    /** Binds UDP and TCP on the same port (a free one when the port is 0) and returns it. */
    public int start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        loops = new MultiThreadIoEventLoopGroup(settings.threads(), io);
        int sockets = epoll ? settings.threads() : 1;
        for (int attempt = 0; ; attempt++) {
            try {
                port = bindUdp(settings.port(), epoll);
                for (int i = 1; i < sockets; i++) {
                    bindUdp(port, true);
                }
                bindTcp(port, epoll);
                break;
            } catch (RuntimeException e) {
                if (!(e.getCause() instanceof BindException || e instanceof ChannelBindFailure) || settings.port() != 0 || attempt > 5) {
                    close();
                    throw e;
                }
                // the ephemeral UDP port was taken on TCP: try another
                channels.forEach(Channel::close);
                channels.clear();
            }
        }
        log.info("dns: serving on {}:{} (udp and tcp, {} thread(s))", settings.host(), port, settings.threads());
        return port;
    }

    private static final class ChannelBindFailure extends RuntimeException {
        ChannelBindFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private int bindUdp(int p, boolean epoll) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(loops)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new Udp());
        if (epoll && settings.threads() > 1) {
            // one socket per thread on the port; only then, since with SO_REUSEPORT a second server started on the
            // same port by mistake would bind too and quietly take half the queries
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        if (epoll) {
            // recvmmsg: up to 16 queries per system call, each in its own slice of one buffer; a datagram longer
            // than MAX_QUERY_DATAGRAM would be cut, and a query that long is not one a resolver sends over UDP
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY_DATAGRAM * 16));
        }
        var f = b.bind(new InetSocketAddress(settings.host(), p)).await();
        if (!f.isSuccess()) {
            throw new ChannelBindFailure("cannot bind udp " + settings.host() + ":" + p + ": " + f.cause().getMessage(), f.cause());
        }
        channels.add(f.channel());
        return ((InetSocketAddress) f.channel().localAddress()).getPort();
    }

    private void bindTcp(int p, boolean epoll) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(loops)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tcpConnections.incrementAndGet() > settings.maxTcpConnections()) {
                            tcpConnections.decrementAndGet();
                            stats.tcpRefused.increment();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(x -> tcpConnections.decrementAndGet());
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, settings.tcpIdle().toMillis(), TimeUnit.MILLISECONDS),
                                new LengthFieldBasedFrameDecoder(65_535 + 2, 0, 2, 0, 2), new Tcp());
                    }
                });
        var f = b.bind(new InetSocketAddress(settings.host(), p)).await();
        if (!f.isSuccess()) {
            throw new ChannelBindFailure("cannot bind tcp " + settings.host() + ":" + p + ": " + f.cause().getMessage(), f.cause());
        }
        channels.add(f.channel());
    }

    public int port() {
        return port;
    }

    public DnsStats stats() {
        return stats;
    }

    /** UDP queries answered from a response already built for the same bytes. */
    public long cacheHits() {
        return cache.hits();
    }

    @Override
    public void close() {
        channels.forEach(c -> c.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
        channels.clear();
        if (loops != null) {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    @ChannelHandler.Sharable
    private final class Udp extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            stats.udp.increment();
            InetSocketAddress sender = packet.sender();
            byte[] query = ByteBufUtil.getBytes(packet.content());
            Zone z = zone.get();
            Answerer.Reply reply = cache.find(query, z);
            if (reply == null) {
                try {
                    reply = answerer.answer(query, sender.getAddress(), false);
                } catch (RuntimeException e) {
                    // a bug must not take the listener down with it; the query is lost, the server stays up
                    log.error("dns: answering {} bytes from {} failed", query.length, sender, e);
                    stats.dropped.increment();
                    return;
                }
                if (reply instanceof Answerer.Reply.Single s) {
                    cache.keep(query, s, z);
                }
            }
            if (!(reply instanceof Answerer.Reply.Single single)) {
                stats.dropped.increment();
                return;
            }
            byte[] wire = single.wire();
            if (z != null) {
                switch (rrl.check(sender.getAddress(), z.rateLimit().responsesPerSecond(), z.rateLimit().slip(), System.nanoTime())) {
                    case SEND -> { }
                    case SLIP -> {
                        stats.rateLimitedSlipped.increment();
                        wire = ResponseRateLimit.slipped(wire);
                        if (wire == null) {
                            return;
                        }
                    }
                    case DROP -> {
                        stats.rateLimitedDropped.increment();
                        return;
                    }
                }
            }
            stats.count(single.rcode());
            if (single.truncated()) {
                stats.truncated.increment();
            }
            ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(wire), sender));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("dns: udp error", cause); // e.g. ICMP port unreachable from a gone client: nothing to do
        }
    }

    private final class Tcp extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            stats.tcp.increment();
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            byte[] query = ByteBufUtil.getBytes(frame);
            Answerer.Reply reply;
            try {
                reply = answerer.answer(query, remote.getAddress(), true);
            } catch (RuntimeException e) {
                log.error("dns: answering {} bytes from {} over tcp failed", query.length, remote, e);
                ctx.close();
                return;
            }
            switch (reply) {
                case Answerer.Reply.Drop d -> {
                    stats.dropped.increment();
                    ctx.close(); // a peer that sends non-queries over a connection is not a resolver
                }
                case Answerer.Reply.Single s -> {
                    stats.count(s.rcode());
                    ctx.write(framed(s.wire()));
                }
                case Answerer.Reply.Transfer t -> {
                    stats.transfers.increment();
                    stats.count(org.xbill.DNS.Rcode.NOERROR);
                    t.messages().forEach(m -> ctx.write(framed(m)));
                }
            }
        }

        private static ByteBuf framed(byte[] wire) {
            ByteBuf b = Unpooled.buffer(wire.length + 2);
            b.writeShort(wire.length);
            b.writeBytes(wire);
            return b;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("dns: tcp connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
