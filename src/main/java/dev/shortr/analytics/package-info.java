/**
 * Click analytics: the aggregator-side enrichment of each click (agent, bot flag, referrer, location,
 * unique visitor), the per-hour and per-day counters it accumulates between flushes, the raw visit log,
 * and the queries the stats API and exports run. Knows nothing of HTTP; storage is behind
 * {@link dev.shortr.analytics.AnalyticsStore}.
 */
package dev.shortr.analytics;
