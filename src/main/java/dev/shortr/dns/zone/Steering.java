package dev.shortr.dns.zone;

/**
 * A name whose A, AAAA and HTTPS answers come from a pool rather than from fixed records.
 *
 * @param answers     how many sites an answer names at most
 * @param allDown     what to answer when no site is healthy: every site anyway ({@code true}, the default) or SERVFAIL
 * @param https       whether the name has an HTTPS record ({@code alpn="h3,h2"} plus address hints of the chosen sites)
 */
public record Steering(Pool pool, Policy policy, long ttl, int answers, boolean allDown, boolean https) {
    public Steering {
        if (ttl < 0 || ttl > 86_400) {
            throw new IllegalArgumentException("ttl is 0 to 86400 seconds");
        }
        if (answers < 1 || answers > 16) {
            throw new IllegalArgumentException("answers is 1 to 16");
        }
    }
}
