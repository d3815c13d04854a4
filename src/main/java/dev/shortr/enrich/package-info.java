/**
 * Click enrichment: pure functions the click aggregator applies off the hot path, turning a request's
 * User-Agent, Referer, address and X-Forwarded-For into browser, device, bot kind, referrer host, country and
 * an unlinkable visitor hash, plus an approximate distinct-visitor counter. No I/O beyond the memory-mapped geo
 * database. Depends on java.base, uap-java, MaxMind's DB reader, hash4j and Caffeine only.
 */
package dev.shortr.enrich;
