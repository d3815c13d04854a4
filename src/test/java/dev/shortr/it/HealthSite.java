package dev.shortr.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A site's health endpoint for DNS tests: {@code GET /healthz} on 127.0.0.1, answering 200, 503, or not at all
 * (the request hangs until the mode changes), and stopped and started again on the same port like a crashed
 * and restarted site. Counts the checks it has answered since it last started.
 */
public final class HealthSite implements AutoCloseable {
    public enum Mode { UP, FAILING, HANGING }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger checks = new AtomicInteger();
    private final Object modeChanged = new Object();
    private volatile Mode mode;
    private final int port;
    private HttpServer server;

    private HealthSite(Mode mode) throws IOException {
        this.mode = mode;
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    public static HealthSite start(Mode mode) throws IOException {
        return new HealthSite(mode);
    }

    private HttpServer bind(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(RawDns.LOOPBACK, p), 16);
        s.createContext("/healthz", exchange -> {
            try (exchange) {
                long giveUp = System.nanoTime() + 20_000_000_000L;
                synchronized (modeChanged) {
                    while (mode == Mode.HANGING && System.nanoTime() < giveUp) {
                        modeChanged.wait(100);
                    }
                }
                checks.incrementAndGet();
                int status = mode == Mode.UP ? 200 : 503;
                exchange.sendResponseHeaders(status, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.setExecutor(executor);
        s.start();
        return s;
    }

    public int port() {
        return port;
    }

    /** What a zone's {@code checkUrl} for this site is. */
    public String url() {
        return "http://127.0.0.1:" + port + "/healthz";
    }

    public void mode(Mode m) {
        synchronized (modeChanged) {
            mode = m;
            modeChanged.notifyAll();
        }
    }

    /** Checks answered since the site last started. */
    public int checks() {
        return checks.get();
    }

    /** Closes the listener and every connection: checks now meet a refused connection. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port, with the check count back at zero. */
    public synchronized void restart() throws IOException {
        stop();
        checks.set(0);
        server = bind(port);
    }

    @Override
    public void close() {
        mode(Mode.FAILING); // wakes hanging requests, so stop does not wait for them
        stop();
        executor.shutdownNow();
    }
}
