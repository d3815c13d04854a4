package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.app.DnsRole;
import dev.shortr.cli.Cli;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shortr probe} against servers with known faults, through the CLI as a user runs it: Debian's nginx with
 * TLS 1.2 only, with TLS 1.3 and HTTP/2, without session tickets or cache, with a certificate that expires in three
 * days and with one that has expired; and shortr's own DNS role answering a name with a 5 s TTL and no HTTPS record,
 * and one with a 300 s TTL and an HTTPS record. Each probe's diagnosis must name the fault, and only where it is.
 */
class ProbeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestPki pki;
    static Nginx nginx;
    static DnsRole dns;
    static int tls12;
    static int tls13;
    static int noResumption;
    static int expiring;
    static int expired;

    @BeforeAll
    static void start() throws Exception {
        pki = new TestPki(dir.resolve("pki"));
        Instant now = Instant.now();
        // the test CA is good for 30 days, and the leaves it signs for 10 by default: this one outlives the warning's 14
        TestPki.Leaf good = pki.leaf("good", "EC", null, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(25)), "a.test",
                "tiny.probe.test", "steady.probe.test");
        TestPki.Leaf soon = pki.leaf("soon", "EC", null, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3)), "a.test");
        TestPki.Leaf old = pki.leaf("old", "EC", null, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(2)), "a.test");
        tls12 = ChildNode.freePort();
        tls13 = ChildNode.freePort();
        noResumption = ChildNode.freePort();
        expiring = ChildNode.freePort();
        expired = ChildNode.freePort();
        StringBuilder servers = new StringBuilder();
        servers.append(server(tls12, "", good, "ssl_protocols TLSv1.2;"));
        servers.append(server(tls13, " http2", good, "ssl_protocols TLSv1.2 TLSv1.3;"));
        servers.append(server(noResumption, "", good, "ssl_protocols TLSv1.3; ssl_session_tickets off; ssl_session_cache off;"));
        servers.append(server(expiring, "", soon, "ssl_protocols TLSv1.3;"));
        servers.append(server(expired, "", old, "ssl_protocols TLSv1.3;"));
        nginx = Nginx.start(dir.resolve("nginx"), servers.toString(), List.of(tls12, tls13, noResumption, expiring, expired));

        Path zone = Files.writeString(dir.resolve("zone.yaml"), """
                origin: probe.test
                ttl: 3600
                nameservers: [ns1.probe.test.]
                records:
                  - "ns1 A 127.0.0.1"
                  - "tiny 5 A 127.0.0.1"
                  - "steady 300 A 127.0.0.1"
                  - 'steady 300 HTTPS 1 . alpn="h3,h2"'
                """);
        dns = DnsRole.start(zone, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
    }

    private static String server(int port, String listen, TestPki.Leaf leaf, String tls) {
        return """
                    server {
                        listen 127.0.0.1:%d ssl%s;
                        server_name a.test;
                        ssl_certificate %s;
                        ssl_certificate_key %s;
                        %s
                        location / { return 302 https://example.com/landing; }
                    }
                """.formatted(port, listen, leaf.chain(), leaf.key(), tls);
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + err, e);
            }
        }

        List<String> ids() {
            return StreamSupport.stream(json().path("findings").spliterator(), false).map(f -> f.path("id").asText()).toList();
        }

        JsonNode finding(String id) {
            for (JsonNode f : json().path("findings")) {
                if (f.path("id").asText().equals(id)) {
                    return f;
                }
            }
            throw new AssertionError("no finding " + id + " in " + out);
        }
    }

    static Run probe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("probe"));
        all.addAll(List.of(args));
        int exit = Cli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@code https://a.test:PORT/abc123} at 127.0.0.1, trusting the test CA, as JSON. */
    static Run nginx(int port, String... more) {
        List<String> args = new ArrayList<>(List.of("https://a.test:" + port + "/abc123", "--resolve", "a.test:" + port + ":127.0.0.1",
                "--cacert", pki.caFile().toString(), "--json"));
        args.addAll(List.of(more));
        return probe(args.toArray(String[]::new));
    }

    @Test
    void aTls12OnlyServerIsToldThatTls12CostsARoundTrip() {
        Run r = nginx(tls12);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().at("/tls/protocol").asText()).isEqualTo("TLSv1.2");
        assertThat(r.finding("tls-1.2").path("message").asText()).isEqualTo("TLS 1.2 costs an extra round trip on every new connection");
        assertThat(r.finding("tls-1.2").path("advice").asText()).startsWith("enable TLS 1.3");
        assertThat(r.json().at("/tls/resumption/resumed").asBoolean()).as("nginx resumes TLS 1.2 sessions by ticket").isTrue();
    }

    @Test
    void aTls13ServerWithHttp2HasNoSuchFindingAndResumes() {
        Run r = nginx(tls13);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.at("/tls/protocol").asText()).isEqualTo("TLSv1.3");
        assertThat(j.at("/tls/alpn").asText()).isEqualTo("h2");
        assertThat(j.at("/protocol").asText()).isEqualTo("HTTP/2");
        assertThat(j.at("/http/status").asInt()).isEqualTo(302);
        assertThat(j.at("/http/headers").findValuesAsText("value")).contains("https://example.com/landing");
        assertThat(j.at("/tls/resumption/resumed").asBoolean()).isTrue();
        assertThat(r.ids()).doesNotContain("tls-1.2", "tls-not-resumed", "tls-cert-expiring", "http-no-h2")
                .contains("http-no-hsts", "http-no-alt-svc-h3", "http-redirect-not-shared");
        assertThat(j.at("/dns/skipped").asText()).isEqualTo("--resolve");

        Run h1 = nginx(tls13, "--http1.1");
        assertThat(h1.json().at("/protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(h1.json().at("/tls/alpn").asText()).isEqualTo("http/1.1");
        assertThat(h1.json().at("/http/status").asInt()).isEqualTo(302);
    }

    @Test
    void aServerWithoutTicketsOrASessionCacheMakesEveryVisitAFullHandshake() {
        Run r = nginx(noResumption);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().at("/tls/resumption/resumed").asBoolean()).isFalse();
        assertThat(r.json().at("/tls/resumption/error").isNull()).isTrue();
        assertThat(r.finding("tls-not-resumed").path("severity").asText()).isEqualTo("warning");
        assertThat(r.ids()).as("nginx without http2 on its listener").contains("http-no-h2");
    }

    @Test
    void aCertificateThatExpiresInThreeDaysIsAWarning() {
        Run r = nginx(expiring);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.finding("tls-cert-expiring").path("message").asText()).startsWith("the certificate expires in 3 days");

        Run text = probe("https://a.test:" + expiring + "/abc123", "--resolve", "a.test:" + expiring + ":127.0.0.1", "--cacert",
                pki.caFile().toString());
        assertThat(text.out()).contains("WARNING  TLS   the certificate expires in 3 days").contains("trusted     yes")
                .containsPattern("TCP +[0-9.]+ ms  \\|#").containsPattern("HTTP +[0-9.]+ ms  \\|");
    }

    @Test
    void anExpiredCertificateFailsTheVisitAtTlsAndTheDiagnosisSaysWhy() {
        Run r = nginx(expired);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("shortr: probe failed at TLS: certificate not trusted: the certificate expired at")
                .doesNotContain("\n").doesNotContain("Exception");
        assertThat(r.json().at("/failed/layer").asText()).isEqualTo("TLS");
        assertThat(r.finding("tls-cert-expired").path("message").asText()).startsWith("the certificate expired 2 days ago");
        assertThat(r.json().at("/http").isNull()).as("no request after a refused handshake").isTrue();

        Run text = probe("https://a.test:" + expired + "/abc123", "--resolve", "a.test:" + expired + ":127.0.0.1", "--cacert",
                pki.caFile().toString());
        assertThat(text.out()).contains("TLS   TLSv1.3, ").contains("(EXPIRED 2 days ago)")
                .contains("trusted     NO: the certificate expired at").contains("FAILED at TLS: certificate not trusted")
                .contains("PROBLEM  TLS   the certificate expired 2 days ago");

        Run insecure = nginx(expired, "--insecure");
        assertThat(insecure.exit()).as(insecure.err()).isZero();
        assertThat(insecure.ids()).contains("tls-cert-expired", "tls-untrusted");
        assertThat(insecure.json().at("/http/status").asInt()).isEqualTo(302);
    }

    @Test
    void aFiveSecondTtlExpiresTooFastAndANameWithoutAnHttpsRecordCannotSkipToHttp3() {
        Run r = probe("https://tiny.probe.test:" + tls13 + "/abc123", "--resolver", "127.0.0.1:" + dns.port(), "--cacert",
                pki.caFile().toString(), "--json");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        JsonNode d = r.json().path("dns");
        assertThat(d.path("server").asText()).isEqualTo("127.0.0.1:" + dns.port());
        assertThat(d.path("authoritative").asBoolean()).isTrue();
        assertThat(d.path("records").findValuesAsText("type")).containsExactly("A");
        assertThat(d.path("records").get(0).path("ttl").asInt()).isEqualTo(5);
        assertThat(d.path("httpsAlpn").isNull()).isTrue();
        assertThat(r.finding("dns-ttl-short").path("message").asText()).isEqualTo("DNS TTL 5 s: answers expire too fast");
        assertThat(r.finding("dns-no-https-record").path("message").asText()).isEqualTo("no HTTPS record, so browsers cannot skip to HTTP/3");
        assertThat(r.json().at("/timingsMs/dns").isNumber()).isTrue();
    }

    @Test
    void aNameWithA300sTtlAndAnHttpsRecordOfferingH3HasNeitherFinding() {
        Run r = probe("https://steady.probe.test:" + tls13 + "/abc123", "--resolver", "127.0.0.1:" + dns.port(), "--cacert",
                pki.caFile().toString(), "--json");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.json().at("/dns/httpsAlpn").toString()).isEqualTo("[\"h3\",\"h2\"]");
        assertThat(r.json().at("/dns/records").findValuesAsText("type")).contains("A", "HTTPS");
        assertThat(r.ids()).doesNotContain("dns-ttl-short", "dns-no-https-record", "dns-https-no-h3");
    }

    @Test
    void aNameTheServerDoesNotHaveFailsAtDns() {
        Run r = probe("https://nowhere.probe.test:" + tls13 + "/abc123", "--resolver", "127.0.0.1:" + dns.port());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("shortr: probe failed at DNS: 127.0.0.1:" + dns.port()
                + " answered NXDOMAIN for nowhere.probe.test: no such name");
    }

    @Test
    void aPortWhereNothingListensFailsAtTcp() throws Exception {
        int closed = ChildNode.freePort();
        Run r = probe("http://127.0.0.1:" + closed + "/abc123");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("shortr: probe failed at TCP: connection refused by 127.0.0.1:" + closed
                + " (nothing listens there)");
        assertThat(r.out()).contains("DNS   not looked up: an address literal").contains("FAILED at TCP");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] args : List.of(new String[] {"ftp://sho.rt/x"}, new String[] {"https://sho.rt/x", "--http2", "--http3"},
                new String[] {"https://sho.rt/x", "--resolve", "other.rt:443:127.0.0.1"},
                new String[] {"https://sho.rt/x", "--resolver", "dns.google"}, new String[] {"http://sho.rt/x", "--http3"},
                new String[] {"https://sho.rt/x", "--cacert", dir.resolve("missing.pem").toString()})) {
            Run r = probe(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("shortr: ").doesNotContain("\n").doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
    }
}
