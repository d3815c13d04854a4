package dev.shortr.analytics;

/**
 * One raw visit as the visit log keeps it. Every text field may be null (unknown, not recorded, or a visit
 * that asked not to be tracked, which keeps only its time, link and bot kind).
 *
 * @param ip       as {@code clicks.ipStorage} says: null, a /24 or /48 network, or the address
 * @param bot      null for a human, else "crawler", "preview" or "monitor"
 * @param head     a HEAD request (counted apart from clicks)
 * @param tracked  false when the visitor asked not to be tracked, or tracking is off
 */
public record Visit(long linkId, long atMs, String ip, String country, String region, String city, String referrerHost,
                    String referrer, String browser, String os, String device, String bot, boolean head, boolean tracked) {}
