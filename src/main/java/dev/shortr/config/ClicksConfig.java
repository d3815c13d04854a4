package dev.shortr.config;

import java.time.Duration;

/** Click counting: queue bound, flush cadence and batch size. */
public record ClicksConfig(boolean enabled, int queueCapacity, Duration flushInterval, int maxBatch) {
    public static ClicksConfig defaults() {
        return new ClicksConfig(true, 65_536, Duration.ofMillis(500), 50_000);
    }
}
