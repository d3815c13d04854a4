package dev.shortr.config;

import java.time.Duration;

/**
 * Webhooks: how link events and click batches are delivered to subscribed endpoints.
 *
 * @param enabled      false pauses webhooks: nothing is enqueued or sent (endpoints can still be managed)
 * @param clickWindow  clicks are summed per link over this long, then sent as one {@code link.clicked} event
 * @param maxAttempts  attempts per delivery before it is marked failed
 * @param backoffBase  the first retry delay; later ones grow from it (5s gives 5s, 30s, 2m, 10m, 30m, 1h, ...)
 * @param timeout      connect and response timeout of one attempt
 * @param concurrency  deliveries in flight at once, over all endpoints
 * @param retention    delivered and failed deliveries are kept this long in the delivery log
 * @param allowPrivate true lets endpoints be loopback, private, link-local and other non-public addresses; false
 *                     refuses such URLs and, after resolving a host name, refuses to connect to such an address
 */
public record WebhooksConfig(boolean enabled, Duration clickWindow, int maxAttempts, Duration backoffBase,
                             Duration timeout, int concurrency, Duration retention, boolean allowPrivate) {
    public WebhooksConfig {
        Setting.WEBHOOKS_CLICK_WINDOW.require(clickWindow);
        Setting.WEBHOOKS_MAX_ATTEMPTS.require(maxAttempts);
        Setting.WEBHOOKS_BACKOFF_BASE.require(backoffBase);
        Setting.WEBHOOKS_TIMEOUT.require(timeout);
        Setting.WEBHOOKS_CONCURRENCY.require(concurrency);
        Setting.WEBHOOKS_RETENTION.require(retention);
    }

    public static WebhooksConfig defaults() {
        return new WebhooksConfig(true, Duration.ofSeconds(10), 10, Duration.ofSeconds(5), Duration.ofSeconds(10), 16,
                Duration.ofDays(30), false);
    }
}
