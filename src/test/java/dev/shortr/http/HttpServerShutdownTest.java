package dev.shortr.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A graceful shutdown: idle keep-alive connections go at once, a request in flight is answered and closes. */
class HttpServerShutdownTest {
    @Test
    void idleConnectionsCloseAtOnceWhileARequestInFlightFinishes() throws Exception {
        CountDownLatch slowStarted = new CountDownLatch(1);
        Router router = new Router()
                .add("GET", "/fast", "fast", req -> Reply.text(200, "fast"))
                .add("GET", "/slow", "slow", req -> {
                    slowStarted.countDown();
                    Thread.sleep(2000);
                    return Reply.text(200, "slow");
                });
        HttpServer server = new HttpServer(new HttpServer.Settings("127.0.0.1", 0, 1, 1 << 20, Duration.ofSeconds(60)),
                new Dispatcher(router, RequestObserver.NONE), (objects, wire, head) -> 0, null);
        int port = server.start();
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket busy = new Socket(InetAddress.getLoopbackAddress(), port)) {
            idle.setSoTimeout(5000);
            busy.setSoTimeout(5000);
            idle.getOutputStream().write("GET /fast HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readSome(idle.getInputStream())).startsWith("HTTP/1.1 200 ");
            busy.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();

            long t0 = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(10)));
            assertThat(idle.getInputStream().read()).as("the idle connection is closed").isEqualTo(-1);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the idle connection closed").isLessThan(1500);

            String answer = readToEnd(busy.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200 ").contains("connection: close").endsWith("slow");
            stopping.get(10, TimeUnit.SECONDS);
        } finally {
            server.close();
        }
    }

    private static String readSome(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
