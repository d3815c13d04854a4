package dev.shortr.probe;

import static dev.shortr.probe.Visit.AT;
import static dev.shortr.probe.Visit.ms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.probe.Finding.Severity;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diagnosis rules on hand-made measurements: each case spoils one thing of a healthy visit and expects the
 * one finding that names it (layer, severity and words), and a healthy visit gets no finding but the share note.
 */
class DiagnosisTest {
    private static List<Finding> diagnose(Visit v) {
        return Diagnosis.of(v.build());
    }

    private static Finding find(List<Finding> findings, String id) {
        return findings.stream().filter(f -> f.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " among " + findings));
    }

    @Test
    void aHealthyVisitOnlyGetsTheShareNote() {
        List<Finding> f = diagnose(Visit.healthy());
        assertThat(f).extracting(Finding::id).containsExactly("largest-layer");
        assertThat(f.getFirst().severity()).isEqualTo(Severity.NOTE);
        assertThat(f.getFirst().advice()).contains("every layer is quick");
    }

    static Stream<Arguments> spoiled() {
        return Stream.of(
                spoil("TLS 1.2", v -> v.tlsVersion = "TLSv1.2", "tls-1.2", Layer.TLS, Severity.WARNING,
                        "TLS 1.2 costs an extra round trip on every new connection", "enable TLS 1.3"),
                spoil("TLS 1.1", v -> v.tlsVersion = "TLSv1.1", "tls-obsolete", Layer.TLS, Severity.PROBLEM, "TLSv1.1 is obsolete", "TLS 1.3"),
                spoil("TTL 5 s", v -> v.ttl = 5, "dns-ttl-short", Layer.DNS, Severity.WARNING, "DNS TTL 5 s: answers expire too fast", "30 s"),
                spoil("TTL 29 s", v -> v.ttl = 29, "dns-ttl-short", Layer.DNS, Severity.WARNING, "DNS TTL 29 s", "resolvers ask again"),
                spoil("TTL 5 s from a cache", v -> {
                    v.ttl = 5;
                    v.authoritative = false;
                }, "dns-ttl-short", Layer.DNS, Severity.WARNING, "a cache's remaining TTL", "30 s"),
                spoil("TTL 2 h", v -> v.ttl = 7200, "dns-ttl-long", Layer.DNS, Severity.NOTE, "DNS TTL 2 h", "steered names"),
                spoil("no HTTPS record", v -> v.httpsAlpn = null, "dns-no-https-record", Layer.DNS, Severity.NOTE,
                        "no HTTPS record, so browsers cannot skip to HTTP/3", "alpn=\"h3,h2\""),
                spoil("HTTPS record without h3", v -> v.httpsAlpn = List.of("h2"), "dns-https-no-h3", Layer.DNS, Severity.NOTE,
                        "alpn (h2) has no h3", "add h3"),
                spoil("expires in 6 days", v -> v.leafExpires = AT.plus(Duration.ofDays(6)).plusSeconds(60), "tls-cert-expiring", Layer.TLS,
                        Severity.WARNING, "the certificate expires in 6 days", "renew"),
                spoil("expires in 20 hours", v -> v.leafExpires = AT.plus(Duration.ofHours(20)).plusSeconds(60), "tls-cert-expiring",
                        Layer.TLS, Severity.WARNING, "the certificate expires in 20 h", "renew"),
                spoil("expired", v -> v.leafExpires = AT.minus(Duration.ofDays(3)), "tls-cert-expired", Layer.TLS, Severity.PROBLEM,
                        "the certificate expired 3 days ago", "renew it now"),
                spoil("the intermediate expires first", v -> v.issuerExpires = AT.plus(Duration.ofDays(2)).plusSeconds(60), "tls-cert-expiring",
                        Layer.TLS, Severity.WARNING, "the chain's certificate CN=Test CA R1 expires in 2 days", "renew"),
                spoil("untrusted", v -> v.untrusted = "issued by 'CN=x', which is not a trusted CA", "tls-untrusted", Layer.TLS,
                        Severity.PROBLEM, "the certificate is not trusted: issued by 'CN=x'", "browsers refuse"),
                spoil("not resumed", v -> v.resumption = new Measurement.Resumption(false, ms(21), null), "tls-not-resumed", Layer.TLS,
                        Severity.WARNING, "did not resume", "session tickets"),
                spoil("HTTP/1.1 chosen over h2", v -> v.alpn = "http/1.1", "http-no-h2", Layer.HTTP, Severity.NOTE,
                        "did not choose HTTP/2 (ALPN http/1.1)", "turn on HTTP/2"),
                spoil("no HSTS", v -> v.header("strict-transport-security", null), "http-no-hsts", Layer.HTTP, Severity.NOTE,
                        "no Strict-Transport-Security", "max-age=31536000"),
                spoil("no Alt-Svc", v -> v.header("alt-svc", null), "http-no-alt-svc-h3", Layer.HTTP, Severity.NOTE, "no Alt-Svc for h3",
                        "turn on HTTP/3"),
                spoil("Alt-Svc without h3", v -> v.header("alt-svc", "h2=\":443\""), "http-no-alt-svc-h3", Layer.HTTP, Severity.NOTE,
                        "no Alt-Svc for h3", "HTTP/3"),
                spoil("private", v -> v.header("cache-control", "private, max-age=0"), "http-redirect-not-shared", Layer.HTTP, Severity.NOTE,
                        "not cacheable by shared caches (private, max-age=0)", "may be on purpose, to count every click"),
                spoil("s-maxage=0", v -> v.header("cache-control", "public, max-age=60, s-maxage=0"), "http-redirect-not-shared",
                        Layer.HTTP, Severity.NOTE, "not cacheable by shared caches", "s-maxage=N"),
                spoil("no-store", v -> v.header("cache-control", "no-store"), "http-redirect-not-cacheable", Layer.HTTP, Severity.NOTE,
                        "may not be stored by any cache (no-store)", "on purpose"),
                spoil("302 without freshness", v -> v.header("cache-control", null), "http-redirect-not-shared", Layer.HTTP, Severity.NOTE,
                        "a 302 without explicit freshness is not stored by shared caches", "count every click"),
                spoil("301 for a year", v -> {
                    v.status = 301;
                    v.header("cache-control", "public, max-age=31536000");
                }, "http-permanent-long", Layer.HTTP, Severity.WARNING, "a 301 that browsers keep for 365 days: edits to the link won't reach them",
                        "s-maxage"),
                spoil("308 without Cache-Control", v -> {
                    v.status = 308;
                    v.header("cache-control", null);
                }, "http-permanent-unbounded", Layer.HTTP, Severity.WARNING, "a 308 without Cache-Control: browsers may keep it indefinitely",
                        "max-age=N"),
                spoil("404", v -> v.status = 404, "http-not-redirect", Layer.HTTP, Severity.NOTE, "status 404, not a redirect: the code is unknown",
                        "check the URL"),
                spoil("503", v -> v.status = 503, "http-server-error", Layer.HTTP, Severity.PROBLEM, "status 503", "server's log"),
                spoil("plain HTTP", v -> {
                    v.target = Target.parse("http://sho.rt/abc123");
                    v.noTls = true;
                    v.protocol = "HTTP/1.1";
                }, "http-cleartext", Layer.HTTP, Severity.WARNING, "plain HTTP", "HTTPS"),
                spoil("slow DNS", v -> v.dns = ms(300), "dominant-layer", Layer.DNS, Severity.WARNING,
                        "DNS took the largest share: 300.0 ms of 363.0 ms (83 %)", "raise the TTL"),
                spoil("a far server", v -> {
                    v.tcp = ms(150);
                    v.rtt = ms(150);
                    v.tls = ms(40);
                    v.ttfb = ms(40);
                }, "dominant-layer", Layer.TCP, Severity.WARNING, "TCP took the largest share", "distance dominates"),
                spoil("a TLS 1.2 handshake over long round trips", v -> {
                    v.tlsVersion = "TLSv1.2";
                    v.tcp = ms(40);
                    v.rtt = ms(40);
                    v.tls = ms(100);
                    v.ttfb = ms(45);
                }, "dominant-layer", Layer.TLS, Severity.WARNING, "TLS took the largest share", "TLS 1.3 (one fewer than 1.2)"),
                spoil("a handshake that computes", v -> v.tls = ms(200), "dominant-layer", Layer.TLS, Severity.WARNING,
                        "TLS took the largest share", "computing, not travelling"),
                spoil("a slow server", v -> v.ttfb = ms(400), "dominant-layer", Layer.HTTP, Severity.WARNING, "HTTP took the largest share",
                        "the server's own time"),
                spoil("a slow path in front of a quick server", v -> {
                    v.ttfb = ms(400);
                    v.header("server-timing", "app;dur=0.4");
                }, "dominant-layer", Layer.HTTP, Severity.WARNING, "HTTP took the largest share",
                        "the server says it spent 0.4 ms (Server-Timing), so most of the wait is elsewhere"),
                spoil("every layer a long round trip", v -> {
                    v.dns = ms(80);
                    v.tcp = ms(80);
                    v.rtt = ms(80);
                    v.tls = ms(85);
                    v.ttfb = ms(90);
                }, "largest-layer", Layer.HTTP, Severity.NOTE, "HTTP took the largest share", "distance sets the total"));
    }

    private static Arguments spoil(String what, Consumer<Visit> change, String id, Layer layer, Severity severity, String message,
                                   String advice) {
        return Arguments.of(what, change, id, layer, severity, message, advice);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spoiled")
    void eachFaultIsNamedWithItsLayerSeverityAndAdvice(String what, Consumer<Visit> change, String id, Layer layer, Severity severity,
                                                       String message, String advice) {
        Visit v = Visit.healthy();
        change.accept(v);
        Finding f = find(diagnose(v), id);
        assertThat(f.layer()).isEqualTo(layer);
        assertThat(f.severity()).isEqualTo(severity);
        assertThat(f.message()).contains(message);
        assertThat(f.advice()).contains(advice);
    }

    @Test
    void boundariesAreNotFaults() {
        Visit v = Visit.healthy();
        v.ttl = 30;
        v.leafExpires = AT.plus(Duration.ofDays(14));
        v.status = 301;
        v.header("cache-control", "public, max-age=86400");
        assertThat(diagnose(v)).extracting(Finding::id).containsExactly("largest-layer");
    }

    @Test
    void overHttp3NoAltSvcIsNeededAndTheQuicHandshakeIsTheConnect() {
        Visit v = Visit.healthy();
        v.protocol = "HTTP/3";
        v.header("alt-svc", null);
        assertThat(diagnose(v)).extracting(Finding::id).doesNotContain("http-no-alt-svc-h3");
    }

    @Test
    void plainHttpIsNotAskedForHstsAltSvcOrAnHttpsRecord() {
        Visit v = Visit.healthy();
        v.target = Target.parse("http://sho.rt/abc123");
        v.noTls = true;
        v.httpsAlpn = null;
        v.header("strict-transport-security", null).header("alt-svc", null);
        assertThat(diagnose(v)).extracting(Finding::id).containsExactlyInAnyOrder("http-cleartext", "largest-layer");
    }

    @Test
    void aSecondHandshakeThatCouldNotBeMadeIsNotCalledUnresumed() {
        Visit v = Visit.healthy();
        v.resumption = new Measurement.Resumption(false, null, "connection refused");
        assertThat(diagnose(v)).extracting(Finding::id).doesNotContain("tls-not-resumed");
    }

    @Test
    void aFailedVisitIsStillDiagnosedFromWhatItSawButGetsNoShares() {
        Visit v = Visit.healthy();
        v.leafExpires = AT.minus(Duration.ofDays(1));
        v.untrusted = "the certificate expired at " + v.leafExpires;
        v.failed = new Measurement.Failed(Layer.TLS, "certificate not trusted");
        List<Finding> f = diagnose(v);
        assertThat(f).extracting(Finding::id).contains("tls-cert-expired", "tls-untrusted").doesNotContain("largest-layer", "dominant-layer");
    }

    @Test
    void problemsComeFirstThenWarningsThenNotes() {
        Visit v = Visit.healthy();
        v.tlsVersion = "TLSv1.2";
        v.leafExpires = AT.minus(Duration.ofDays(1));
        v.header("strict-transport-security", null);
        List<Severity> order = diagnose(v).stream().map(Finding::severity).toList();
        assertThat(order).isSorted().contains(Severity.PROBLEM, Severity.WARNING, Severity.NOTE);
    }

    @Test
    void serverTimingsLongestDurationStandsForTheServer() {
        assertThat(Diagnosis.serverTiming("app;dur=0.21")).isEqualTo(Duration.ofNanos(210_000));
        assertThat(Diagnosis.serverTiming("db;dur=53, app;dur=47.2;desc=\"all\", cache;desc=\"hit\"")).isEqualTo(ms(53));
        assertThat(Diagnosis.serverTiming("miss, dur=x")).isNull();
        assertThat(Diagnosis.serverTiming(null)).isNull();
    }
}
