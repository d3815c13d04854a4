package dev.shortr.config;

import java.time.Duration;

/**
 * Click counting: queue bound, flush cadence and batch size.
 *
 * @param enabled       false stops counting clicks (redirects still work)
 * @param queueCapacity clicks waiting for the aggregator; more are dropped and counted
 * @param flushInterval how often counted clicks are written
 * @param maxBatch      a flush happens early once this many clicks wait
 * @param analytics     what is recorded about each click beyond its count
 */
public record ClicksConfig(boolean enabled, int queueCapacity, Duration flushInterval, int maxBatch, AnalyticsConfig analytics) {
    public ClicksConfig {
        Setting.CLICKS_QUEUE_CAPACITY.require(queueCapacity);
        Setting.CLICKS_FLUSH_INTERVAL.require(flushInterval);
        Setting.CLICKS_MAX_BATCH.require(maxBatch);
    }

    /** With the default analytics settings. */
    public ClicksConfig(boolean enabled, int queueCapacity, Duration flushInterval, int maxBatch) {
        this(enabled, queueCapacity, flushInterval, maxBatch, AnalyticsConfig.defaults());
    }

    public static ClicksConfig defaults() {
        return new ClicksConfig(true, 65_536, Duration.ofMillis(500), 50_000);
    }
}
