/**
 * Clicks: the bounded queue the redirect hot path feeds, the single aggregator that batches them, and the
 * {@link dev.shortr.visit.ClickStore} port. Depends on java.base and the link domain only.
 */
package dev.shortr.visit;
