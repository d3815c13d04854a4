package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shortr probe} on a real shortr node with TLS (the test CA's certificate for a.test), Server-Timing on
 * and HTTP/3: a short link's visit over HTTP/2 (ALPN's choice), HTTP/1.1 and HTTP/3 shows the status, the
 * {@code Location}, the cache headers, Server-Timing, HSTS and Alt-Svc, and the second handshake resumes the first's
 * session (BoringSSL on TCP, quiche on QUIC). The cleartext listener's 308 is told to be plain HTTP.
 */
class ProbeNodeIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestNode node;

    @BeforeAll
    static void start() {
        pki = new TestPki(dir.resolve("pki"));
        Instant now = Instant.now();
        TestPki.Leaf leaf = pki.leaf("a", "EC", null, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(25)), "a.test", "127.0.0.1");
        node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(leaf.entry()), t -> t)).overHttps(pki.clientContext());
        node.createLink("abc123", "https://example.com/landing", null);
        node.createLink("def456", "https://example.com/forever", "\"redirect\": 301, \"cacheSeconds\": 31536000");
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    static ProbeIT.Run probe(String code, String... more) {
        int port = node.tlsPort();
        List<String> args = new ArrayList<>(List.of("https://a.test:" + port + "/" + code, "--resolve", "a.test:" + port + ":127.0.0.1",
                "--cacert", pki.caFile().toString(), "--json"));
        args.addAll(List.of(more));
        return ProbeIT.probe(args.toArray(String[]::new));
    }

    @Test
    void aShortLinkOverEachHttpShowsTheRedirectItsCacheHeadersServerTimingAndAResumedSession() {
        for (String[] version : List.of(new String[0], new String[] {"--http1.1"}, new String[] {"--http3"})) {
            ProbeIT.Run r = probe("abc123", version);
            String what = version.length == 0 ? "default" : version[0];
            assertThat(r.exit()).as(what + ": " + r.err() + r.out()).isZero();
            JsonNode j = r.json();
            assertThat(j.at("/protocol").asText()).as(what).isEqualTo(switch (what) {
                case "--http1.1" -> "HTTP/1.1";
                case "--http3" -> "HTTP/3";
                default -> "HTTP/2";
            });
            assertThat(j.at("/http/status").asInt()).as(what).isEqualTo(302);
            assertThat(header(j, "location")).as(what).isEqualTo("https://example.com/landing");
            assertThat(header(j, "cache-control")).as(what).isEqualTo("private, max-age=0");
            assertThat(header(j, "server-timing")).as(what).matches("app;dur=[0-9.]+");
            assertThat(header(j, "strict-transport-security")).as(what).startsWith("max-age=");
            assertThat(j.at("/tls/protocol").asText()).as(what).isEqualTo("TLSv1.3");
            assertThat(j.at("/tls/chain/0/subject").asText()).as(what).contains("CN=a.test");
            assertThat(j.at("/tls/resumption/resumed").asBoolean()).as(what + ": the second handshake resumes").isTrue();
            assertThat(r.ids()).as(what).contains("http-redirect-not-shared")
                    .doesNotContain("tls-1.2", "tls-not-resumed", "http-no-hsts", "http-no-h2", "tls-cert-expiring");
            if (what.equals("--http3")) {
                assertThat(j.at("/connect/layer").asText()).isEqualTo("QUIC");
                assertThat(j.at("/timingsMs/tcp").isMissingNode()).as("no TCP under HTTP/3").isTrue();
                assertThat(j.at("/tls/alpn").asText()).isEqualTo("h3");
            } else {
                assertThat(header(j, "alt-svc")).as(what).isEqualTo("h3=\":" + node.tlsPort() + "\"; ma=86400");
                assertThat(r.ids()).as(what).doesNotContain("http-no-alt-svc-h3");
                assertThat(j.at("/timingsMs/tls").isNumber()).isTrue();
            }
        }
    }

    @Test
    void aPermanentRedirectBrowsersKeepForAYearIsAWarning() {
        ProbeIT.Run r = probe("def456");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().at("/http/status").asInt()).isEqualTo(301);
        assertThat(r.finding("http-permanent-long").path("message").asText())
                .isEqualTo("a 301 that browsers keep for 365 days: edits to the link won't reach them");
    }

    @Test
    void theHumanReportShowsTheLayersTheDetailsAndTheFindings() {
        int port = node.tlsPort();
        ProbeIT.Run r = ProbeIT.probe("https://a.test:" + port + "/abc123", "--resolve", "a.test:" + port + ":127.0.0.1", "--cacert",
                pki.caFile().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("shortr probe https://a.test:" + port + "/abc123 (HTTP/2 at 127.0.0.1:" + port + ")")
                .contains("TLS   TLSv1.3, ").contains("ALPN h2 (offered h2, http/1.1)").contains("resumption  resumed on a second connection")
                .contains("HTTP  HTTP/2 302, first byte ").contains("location: https://example.com/landing")
                .contains("server-timing: app;dur=").contains("NOTE     HTTP  the redirect is not cacheable by shared caches");
    }

    @Test
    void theCleartextListenersRedirectIsPlainHttp() {
        ProbeIT.Run r = ProbeIT.probe("http://127.0.0.1:" + node.port() + "/abc123", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.json().at("/http/status").asInt()).isEqualTo(308);
        assertThat(header(r.json(), "location")).isEqualTo("https://127.0.0.1:" + node.tlsPort() + "/abc123");
        assertThat(r.json().at("/tls").isNull()).isTrue();
        assertThat(r.ids()).contains("http-cleartext").doesNotContain("http-no-hsts");
    }

    @Test
    void aNodeWithoutTlsSpeaksCleartextHttp2ByPriorKnowledge() {
        try (TestNode plain = TestNode.start(dir.resolve("plain"))) {
            plain.createLink("abc123", "https://example.com/landing", null);
            ProbeIT.Run r = ProbeIT.probe("http://127.0.0.1:" + plain.port() + "/abc123", "--http2", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.json().at("/protocol").asText()).isEqualTo("HTTP/2");
            assertThat(r.json().at("/http/version").asText()).isEqualTo("HTTP/2");
            assertThat(r.json().at("/http/status").asInt()).isEqualTo(302);
            assertThat(header(r.json(), "location")).isEqualTo("https://example.com/landing");
            assertThat(r.ids()).contains("http-cleartext");
        }
    }

    private static String header(JsonNode j, String name) {
        for (JsonNode h : j.at("/http/headers")) {
            if (h.path("name").asText().equals(name)) {
                return h.path("value").asText();
            }
        }
        return null;
    }
}
