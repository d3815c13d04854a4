/**
 * Enrichment of clicks, run by the aggregator off the event loop: user agents (ua-parser) with bot,
 * link-preview and monitor detection, referrer hosts, IP location (MaxMind DB format), IP anonymisation,
 * salted visitor hashes and approximate unique counts (hash4j's HyperLogLog). Pure and self-contained.
 */
package dev.shortr.enrich;
