package dev.shortr.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A UDP relay on loopback that delays every datagram by a fixed time each way, for one client: a link with a
 * real round trip, which this kernel cannot make with netem (DESIGN §7). Over loopback a QUIC handshake is done
 * before a client has even written its early data; over a real round trip early data goes out with the first
 * flight, as it does for users.
 */
final class UdpDelay implements AutoCloseable {
    private final DatagramChannel front;
    private final DatagramChannel back;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("udp-delay").factory());
    private final long delayMicros;
    private volatile SocketAddress client;

    /** Relays from {@link #port()} to {@code 127.0.0.1:target}, {@code oneWayMillis} late each way. */
    UdpDelay(int target, long oneWayMillis) {
        this.delayMicros = oneWayMillis * 1000;
        try {
            front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))
                    .connect(new InetSocketAddress("127.0.0.1", target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofPlatform().daemon(true).name("udp-delay-up").start(() -> pump(front, true));
        Thread.ofPlatform().daemon(true).name("udp-delay-down").start(() -> pump(back, false));
    }

    int port() {
        try {
            return ((InetSocketAddress) front.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump(DatagramChannel from, boolean up) {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        while (from.isOpen()) {
            try {
                buf.clear();
                SocketAddress sender = from.receive(buf);
                if (up) {
                    client = sender;
                }
                buf.flip();
                ByteBuffer copy = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
                later.schedule(() -> {
                    try {
                        if (up) {
                            back.write(copy);
                        } else if (client != null) {
                            front.send(copy, client);
                        }
                    } catch (IOException e) {
                        // the relay is closing, or the node is gone: a lost datagram, as on a real link
                    }
                }, delayMicros, TimeUnit.MICROSECONDS);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // ICMP port unreachable and the like: drop, as a link would
            }
        }
    }

    @Override
    public void close() {
        later.shutdownNow();
        try {
            front.close();
            back.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
