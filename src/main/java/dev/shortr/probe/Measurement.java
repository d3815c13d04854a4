package dev.shortr.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Everything one visit measured. A layer that was not reached (or does not apply: no TLS on http, no TCP under
 * HTTP/3) is null; {@link #failed} names the layer that failed, or is null when the visit worked.
 *
 * @param at when the visit began, the reference for certificate expiry
 */
public record Measurement(Target target, String protocol, Instant at, Dns dns, Connect connect, Tls tls, Http http, Failed failed) {

    /**
     * The name lookup.
     *
     * @param server        who answered ({@code 127.0.0.1:53}), or null when no query was sent
     * @param skipped       why no query was sent ({@code --resolve}, an address literal, localhost), or null
     * @param authoritative the answer had the AA flag: its TTLs are the zone's, not a cache's remainder
     * @param took          until both the A and the AAAA answers arrived, as getaddrinfo waits
     * @param records       the answer sections of the A, AAAA and HTTPS queries
     * @param httpsAlpn     the first HTTPS record's {@code alpn}; null when the name has no HTTPS record
     * @param problems      queries that failed without failing the layer (an AAAA timeout, say)
     */
    public record Dns(String server, String skipped, boolean authoritative, Duration took, List<DnsRecord> records,
                      List<String> httpsAlpn, List<String> problems) {
        /** The smallest TTL among the answer's address records and the aliases leading to them, or -1. */
        public long addressTtl() {
            return records.stream().filter(r -> !r.type().equals("HTTPS")).mapToLong(DnsRecord::ttl).min().orElse(-1);
        }
    }

    public record DnsRecord(String name, String type, long ttl, String data) {}

    /**
     * TCP connect, or the QUIC handshake (transport and TLS in one round trip) under HTTP/3.
     *
     * @param fastest the fastest of the probe's connects to this address (warm-ups and the resumption's too): the
     *                best estimate of the round-trip time, since a connect takes one
     */
    public record Connect(Layer layer, String address, Duration took, Duration fastest) {}

    /**
     * The TLS handshake.
     *
     * @param offered    the ALPN protocols offered; {@code alpn} is the one the server picked, or null
     * @param took       the handshake alone; null under QUIC, where it is part of {@link Connect}
     * @param untrusted  why the chain or name was not trusted (with {@code --insecure}), or null
     * @param resumption a second handshake with the same session cache, or null when none was tried
     */
    public record Tls(String protocol, String cipher, List<String> offered, String alpn, List<Certificate> chain, String untrusted, Duration took,
                      Resumption resumption) {
        public Certificate leaf() {
            return chain.isEmpty() ? null : chain.getFirst();
        }

        Tls with(Resumption r) {
            return new Tls(protocol, cipher, offered, alpn, chain, untrusted, took, r);
        }
    }

    public record Certificate(String subject, String issuer, Instant notBefore, Instant notAfter, List<String> names) {}

    /**
     * @param resumed the server took the session back (no certificate was sent); false: a full handshake
     * @param took    that second handshake
     * @param error   why it could not be made, or null
     */
    public record Resumption(boolean resumed, Duration took, String error) {}

    /**
     * The answer's head.
     *
     * @param version the HTTP spoken ({@code HTTP/1.1}, {@code HTTP/2}, {@code HTTP/3})
     * @param took    from the request's last byte sent to the answer's first byte received
     * @param headers names in lower case, in order
     */
    public record Http(String version, int status, List<Header> headers, Duration took) {
        /** The first value of header {@code name} (any case), or null. */
        public String header(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return headers.stream().filter(h -> h.name().equals(n)).map(Header::value).findFirst().orElse(null);
        }

        /** Every value of {@code name}, joined by ", " as RFC 9110 §5.3 allows; null when absent. */
        public String joined(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            List<String> all = headers.stream().filter(h -> h.name().equals(n)).map(Header::value).toList();
            return all.isEmpty() ? null : String.join(", ", all);
        }
    }

    public record Header(String name, String value) {}

    public record Failed(Layer layer, String message) {}

    /** The time each layer took, in order: DNS (when looked up), TCP or QUIC, TLS (over TCP), HTTP. */
    public List<Timing> timings() {
        List<Timing> t = new java.util.ArrayList<>();
        if (dns != null && dns.took() != null) {
            t.add(new Timing(Layer.DNS, dns.took()));
        }
        if (connect != null) {
            t.add(new Timing(connect.layer(), connect.took()));
        }
        if (tls != null && tls.took() != null) {
            t.add(new Timing(Layer.TLS, tls.took()));
        }
        if (http != null) {
            t.add(new Timing(Layer.HTTP, http.took()));
        }
        return t;
    }

    public record Timing(Layer layer, Duration took) {}

    public boolean ok() {
        return failed == null;
    }
}
