package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.ServerConfig;
import dev.shortr.config.ShortrConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP hygiene: a slowloris crowd gets 408 and the door while normal clients are served, the connection limit
 * turns the excess away with 503, a shutdown closes idle keep-alive connections at once, and Server-Timing.
 */
class ConnectionLimitsIT {
    private static UnaryOperator<ShortrConfig> server(Duration headerTimeout, int maxConnections, boolean serverTiming) {
        return c -> {
            ServerConfig s = c.server();
            return new ShortrConfig(new ServerConfig(s.host(), s.port(), s.ioThreads(), s.publicUrl(), s.maxBodyBytes(), s.accessLog(),
                    s.idleTimeout(), s.shutdownGrace(), s.backgroundNice(), s.ui(), headerTimeout, maxConnections, serverTiming),
                    c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(), c.webhooks(), c.tls());
        };
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    /** Everything the server sends until it closes, or until nothing comes for the socket's timeout. */
    private static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder out = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            out.append("<timeout>");
        }
        return out.toString();
    }

    @Test
    void aSlowlorisCrowdGets408WhileNormalClientsAreServed(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir, server(Duration.ofSeconds(1), 10_000, true))) {
            node.createLink("slow01", "https://example.com/slow", null);
            List<Socket> crowd = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket s = connect(node.port());
                    // half a head, on both paths: one the fast path parses, one it hands to the full decoder
                    String start = i % 2 == 0 ? "GET /slow01 HTTP/1.1\r\nHost: a\r\n" : "POST /api/v1/links HTTP/1.1\r\nHost: a\r\nX-A: ";
                    s.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
                    crowd.add(s);
                }
                // the crowd trickles a byte now and then, which would keep an idle timer from ever firing
                CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                    for (int round = 0; round < 6; round++) {
                        for (Socket s : crowd) {
                            try {
                                s.getOutputStream().write('x');
                            } catch (IOException e) {
                                // closed by the server: that is the point
                            }
                        }
                        sleep(300);
                    }
                });
                for (int i = 0; i < 50; i++) {
                    HttpResponse<String> r = node.get("/slow01");
                    assertThat(r.statusCode()).isEqualTo(302);
                }
                trickle.join();
                int timedOut = 0;
                for (Socket s : crowd) {
                    String got = readAll(s);
                    if (got.startsWith("HTTP/1.1 408 ")) {
                        timedOut++;
                    }
                }
                assertThat(timedOut).as("slow heads answered 408 and closed").isEqualTo(crowd.size());
            } finally {
                for (Socket s : crowd) {
                    s.close();
                }
            }
            // a head sent whole, even on a connection that waited a while first, is served
            try (Socket s = connect(node.port())) {
                sleep(1500);
                s.getOutputStream().write("GET /slow01 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readAll(s)).startsWith("HTTP/1.1 302 ");
            }
        }
    }

    @Test
    void connectionsBeyondTheLimitAreTurnedAwayWith503(@TempDir Path dir) throws Exception {
        try (TestNode node = TestNode.start(dir, server(Duration.ofSeconds(10), 20, true))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    held.add(connect(node.port()));
                }
                sleep(200); // the server has accepted them all
                try (Socket extra = connect(node.port())) {
                    String got = readAll(extra);
                    assertThat(got).startsWith("HTTP/1.1 503 ").contains("retry-after: 1");
                }
                held.removeFirst().close();
                sleep(200);
                try (Socket again = connect(node.port())) {
                    again.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(readAll(again)).startsWith("HTTP/1.1 200 ");
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aShutdownClosesIdleKeepAliveConnectionsAtOnce(@TempDir Path dir) throws Exception {
        TestNode node = TestNode.start(dir, server(Duration.ofSeconds(10), 10_000, true));
        try (Socket s = connect(node.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            assertThat(new String(buf, 0, in.read(buf), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200 ");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close);
            // well before the grace period (5 s in tests) or the idle timeout (60 s): closed, not answered
            s.setSoTimeout(3000);
            assertThat(in.read(buf)).isEqualTo(-1);
            closing.join();
        }
    }

    @Test
    void serverTimingIsSentAndCanBeTurnedOff(@TempDir Path on, @TempDir Path off) {
        try (TestNode node = TestNode.start(on, server(Duration.ofSeconds(10), 10_000, true))) {
            node.createLink("timing1", "https://example.com/t", null);
            node.get("/timing1"); // the first is a miss, answered by the dispatcher; the second from memory
            node.get("/nope-x1");
            for (String path : new String[] {"/timing1", "/nope-x1", "/api/v1/links"}) {
                HttpResponse<String> r = node.get(path);
                assertThat(r.headers().firstValue("server-timing")).as(path).hasValueSatisfying(
                        v -> assertThat(v).matches("app;dur=\\d+\\.\\d{3}"));
            }
        }
        try (TestNode node = TestNode.start(off, server(Duration.ofSeconds(10), 10_000, false))) {
            node.createLink("timing2", "https://example.com/t", null);
            node.get("/timing2");
            assertThat(node.get("/timing2").headers().firstValue("server-timing")).isEmpty();
            assertThat(node.get("/api/v1/links").headers().firstValue("server-timing")).isEmpty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
