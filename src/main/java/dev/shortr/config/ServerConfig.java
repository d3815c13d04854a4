package dev.shortr.config;

import java.time.Duration;

/**
 * The HTTP listener.
 *
 * @param host          address to bind
 * @param port          0..65535; 0 binds an ephemeral port
 * @param ioThreads     event-loop threads, 1..256
 * @param publicUrl     base of every {@code shortUrl}: http(s), one trailing slash is dropped; null means
 *                      {@code http://localhost:PORT}
 * @param maxBodyBytes  request bodies above this get 413; 1 KiB..64 MiB
 * @param accessLog     one line per request on stdout
 * @param idleTimeout   keep-alive connections idle this long are closed
 * @param shutdownGrace how long a graceful shutdown waits for requests in flight
 * @param backgroundNice Linux nice value (0..19) given to housekeeping threads (click aggregation, the JIT
 *                      compilers), so they never take long time slices from an event loop on their core;
 *                      0 leaves them alone
 * @param ui            serve the web UI at {@code /ui} and {@code /}, and accept its session cookie on the API
 * @param headerTimeout a request head (request line and headers) must arrive within this of its first byte,
 *                      or the connection gets 408 and is closed (slowloris)
 * @param maxConnections open connections at most; more are refused at once (503, closed)
 * @param serverTiming  send {@code Server-Timing: app;dur=...} (milliseconds spent in shortr) with every answer
 * @param http2         HTTP/2 on this listener and its limits (the {@code http2:} section)
 */
public record ServerConfig(String host, int port, int ioThreads, String publicUrl, int maxBodyBytes,
                           boolean accessLog, Duration idleTimeout, Duration shutdownGrace, int backgroundNice,
                           boolean ui, Duration headerTimeout, int maxConnections, boolean serverTiming, Http2Config http2) {
    public ServerConfig {
        Setting.SERVER_HOST.require(host);
        Setting.SERVER_PORT.require(port);
        Setting.SERVER_IO_THREADS.require(ioThreads);
        Setting.SERVER_PUBLIC_URL.require(publicUrl);
        publicUrl = Setting.stripSlash(publicUrl);
        Setting.SERVER_MAX_BODY_BYTES.require(maxBodyBytes);
        Setting.SERVER_IDLE_TIMEOUT.require(idleTimeout);
        Setting.SERVER_SHUTDOWN_GRACE.require(shutdownGrace);
        Setting.SERVER_BACKGROUND_NICE.require(backgroundNice);
        Setting.SERVER_HEADER_TIMEOUT.require(headerTimeout);
        Setting.SERVER_MAX_CONNECTIONS.require(maxConnections);
        if (http2 == null) {
            throw new IllegalArgumentException("http2: is required");
        }
    }

    /** With HTTP/2's defaults. */
    public ServerConfig(String host, int port, int ioThreads, String publicUrl, int maxBodyBytes, boolean accessLog,
                        Duration idleTimeout, Duration shutdownGrace, int backgroundNice, boolean ui, Duration headerTimeout,
                        int maxConnections, boolean serverTiming) {
        this(host, port, ioThreads, publicUrl, maxBodyBytes, accessLog, idleTimeout, shutdownGrace, backgroundNice, ui,
                headerTimeout, maxConnections, serverTiming, Http2Config.defaults());
    }

    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, Math.min(256, Runtime.getRuntime().availableProcessors()), null, 1 << 20,
                false, Duration.ofSeconds(60), Duration.ofSeconds(10), 10, true,
                Duration.ofSeconds(10), 10_000, true);
    }

    public String baseUrl() {
        return publicUrl != null ? publicUrl : "http://localhost:" + port;
    }
}
