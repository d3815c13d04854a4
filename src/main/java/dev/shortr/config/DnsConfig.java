package dev.shortr.config;

import java.nio.file.Path;

/**
 * The DNS role inside a node ({@code shortr serve}): the authoritative server for the short domain, on its own UDP
 * and TCP port, from a zone file (docs/dns.md). Off when {@code zone} is null; {@code shortr dns} runs it alone.
 *
 * @param zone    the zone file (YAML), watched for changes
 * @param host    the address to bind
 * @param port    the UDP and TCP port (53; 0 picks a free one)
 * @param threads listener threads
 */
public record DnsConfig(Path zone, String host, int port, int threads) {
    public DnsConfig {
        Setting.DNS_HOST.require(host);
        Setting.DNS_PORT.require(port);
        Setting.DNS_THREADS.require(threads);
    }

    public static DnsConfig defaults() {
        return new DnsConfig(null, "0.0.0.0", 53, 1);
    }

    /** Whether the node serves DNS. */
    public boolean enabled() {
        return zone != null;
    }
}
