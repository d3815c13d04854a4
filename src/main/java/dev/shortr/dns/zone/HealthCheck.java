package dev.shortr.dns.zone;

import java.time.Duration;

/**
 * An active HTTP(S) check of a site: GET {@code scheme://address:port path}, healthy on 2xx. A site turns
 * down after {@code fall} failures in a row and up again after {@code rise} successes, so one lost packet does
 * not move traffic.
 */
public record HealthCheck(String scheme, int port, String path, Duration interval, Duration timeout, int rise,
                          int fall) {
    public HealthCheck {
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("scheme is http or https, not " + scheme);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port is 1 to 65535, not " + port);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path starts with /, not " + path);
        }
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("interval is at least 100ms and timeout at least 10ms");
        }
        if (timeout.compareTo(interval) > 0) {
            throw new IllegalArgumentException("timeout (" + timeout.toMillis() + " ms) is longer than interval ("
                    + interval.toMillis() + " ms)");
        }
        if (rise < 1 || rise > 100 || fall < 1 || fall > 100) {
            throw new IllegalArgumentException("rise and fall are 1 to 100");
        }
    }

    public static HealthCheck defaults() {
        return new HealthCheck("http", 80, "/healthz", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 2);
    }
}
