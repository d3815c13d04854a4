package dev.shortr.config;

import java.time.Duration;

/**
 * The HTTP listener.
 *
 * @param publicUrl   base of every {@code shortUrl} (no trailing slash); null means {@code http://localhost:PORT}
 * @param ioThreads   event-loop threads
 * @param maxBodyBytes request bodies above this get 413
 */
public record ServerConfig(String host, int port, int ioThreads, String publicUrl, int maxBodyBytes,
                           boolean accessLog, Duration idleTimeout, Duration shutdownGrace) {
    public static ServerConfig defaults() {
        return new ServerConfig("0.0.0.0", 8080, Runtime.getRuntime().availableProcessors(), null, 1 << 20,
                false, Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    public String baseUrl() {
        return publicUrl != null ? publicUrl : "http://localhost:" + port;
    }
}
