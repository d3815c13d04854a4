/**
 * Webhooks after the Standard Webhooks convention: endpoints (subscriptions), events built from the link change
 * feed and from click batches, a persistent outbox behind the {@link dev.shortr.webhook.WebhookStore} port, and
 * the worker that signs and sends due deliveries with retries and backoff. Depends on {@code link} (the change
 * feed), {@code config}, Jackson (payloads) and the JDK's HTTP client.
 */
package dev.shortr.webhook;
