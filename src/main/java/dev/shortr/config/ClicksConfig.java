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
 * @param aggregator    where clicks are folded: {@code loop} (in short slices on an event loop, so that it never
 *                      takes the core from the redirects for a whole scheduler slice) or {@code thread} (a thread
 *                      of its own: better where the event loops leave a core free)
 */
public record ClicksConfig(boolean enabled, int queueCapacity, Duration flushInterval, int maxBatch, AnalyticsConfig analytics,
                           String aggregator) {
    public ClicksConfig {
        Setting.CLICKS_QUEUE_CAPACITY.require(queueCapacity);
        Setting.CLICKS_FLUSH_INTERVAL.require(flushInterval);
        Setting.CLICKS_MAX_BATCH.require(maxBatch);
        Setting.CLICKS_AGGREGATOR.require(aggregator);
    }

    /** Aggregating on a thread of its own. */
    public ClicksConfig(boolean enabled, int queueCapacity, Duration flushInterval, int maxBatch, AnalyticsConfig analytics) {
        this(enabled, queueCapacity, flushInterval, maxBatch, analytics, "thread");
    }

    /** True when clicks are folded on an event loop rather than on a thread of their own. */
    public boolean aggregateOnLoop() {
        return aggregator.equals("loop");
    }

    /** With the default analytics settings. */
    public ClicksConfig(boolean enabled, int queueCapacity, Duration flushInterval, int maxBatch) {
        this(enabled, queueCapacity, flushInterval, maxBatch, AnalyticsConfig.defaults());
    }

    public static ClicksConfig defaults() {
        return new ClicksConfig(true, 65_536, Duration.ofMillis(500), 50_000);
    }
}
