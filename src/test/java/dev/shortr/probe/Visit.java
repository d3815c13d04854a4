package dev.shortr.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-made measurements for the diagnosis tests. {@link #healthy()} is a visit with nothing to say about it:
 * {@code https://sho.rt/abc123} over HTTP/2, an authoritative answer with a 300 s TTL and an HTTPS record offering
 * h3, 20 ms round trips, TLS 1.3 resumed, a certificate good for 60 days, and a 302 shared caches may keep.
 */
final class Visit {
    static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

    Target target = Target.parse("https://sho.rt/abc123");
    String protocol = "HTTP/2";
    long ttl = 300;
    List<String> httpsAlpn = List.of("h3", "h2");
    boolean authoritative = true;
    Duration dns = ms(20);
    Duration tcp = ms(20);
    Duration rtt = ms(20);
    String tlsVersion = "TLSv1.3";
    List<String> offered = List.of("h2", "http/1.1");
    String alpn = "h2";
    Duration tls = ms(21);
    Instant leafExpires = AT.plus(Duration.ofDays(60));
    Instant issuerExpires = AT.plus(Duration.ofDays(900));
    String untrusted;
    Measurement.Resumption resumption = new Measurement.Resumption(true, ms(20), null);
    boolean noTls;
    int status = 302;
    Duration ttfb = ms(22);
    List<Measurement.Header> headers = new ArrayList<>(List.of(
            new Measurement.Header("location", "https://example.com/landing"),
            new Measurement.Header("cache-control", "public, max-age=60, s-maxage=300"),
            new Measurement.Header("strict-transport-security", "max-age=31536000"),
            new Measurement.Header("alt-svc", "h3=\":443\"; ma=86400")));
    Measurement.Failed failed;

    static Visit healthy() {
        return new Visit();
    }

    static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    /** Sets header {@code name} to {@code value}, or removes it when {@code value} is null. */
    Visit header(String name, String value) {
        headers.removeIf(h -> h.name().equals(name));
        if (value != null) {
            headers.add(new Measurement.Header(name, value));
        }
        return this;
    }

    Measurement build() {
        List<Measurement.DnsRecord> records = new ArrayList<>();
        records.add(new Measurement.DnsRecord(target.host() + ".", "A", ttl, "192.0.2.1"));
        if (httpsAlpn != null) {
            records.add(new Measurement.DnsRecord(target.host() + ".", "HTTPS", 3600, "1 . alpn=\"" + String.join(",", httpsAlpn) + "\""));
        }
        Measurement.Dns d = new Measurement.Dns("192.0.2.53:53", null, authoritative, dns, records, httpsAlpn, List.of());
        Measurement.Connect c = new Measurement.Connect(Layer.TCP, "192.0.2.1:443", tcp, rtt);
        Measurement.Tls t = noTls ? null : new Measurement.Tls(tlsVersion, "TLS_AES_128_GCM_SHA256", offered, alpn, List.of(
                new Measurement.Certificate("CN=sho.rt", "CN=Test CA R1", AT.minus(Duration.ofDays(30)), leafExpires, List.of("sho.rt")),
                new Measurement.Certificate("CN=Test CA R1", "CN=Test Root", AT.minus(Duration.ofDays(300)), issuerExpires, List.of())),
                untrusted, tls, resumption);
        Measurement.Http h = new Measurement.Http(protocol, status, List.copyOf(headers), ttfb);
        return new Measurement(target, protocol, AT, d, c, t, failed == null ? h : null, failed);
    }
}
