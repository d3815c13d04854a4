/**
 * Webhooks after the Standard Webhooks convention: endpoints (subscriptions), events built from the link change
 * feed and from click batches, a persistent outbox behind the {@link dev.shortr.webhook.WebhookStore} port, and
 * the worker that signs and sends due deliveries with retries and backoff, over HTTP/1.1 on the JDK's sockets and
 * TLS, to checked addresses only. Depends on {@code link} (the change feed), {@code config} and Jackson (payloads).
 */
package dev.shortr.webhook;
