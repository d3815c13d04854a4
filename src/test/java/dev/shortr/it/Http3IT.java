package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.quic.QuicChannel;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/3 end to end with Netty's own QUIC/HTTP3 client ({@link H3Client}; Debian's curl has no HTTP/3) against a
 * node with TLS on: the same routes, the redirect fast path, clicks, the API, problems and body limits over QUIC,
 * Alt-Svc on HTTPS answers (curl), and 0-RTT: a resumed connection's early GET answered, its early POST refused
 * with 425 Too Early. The node serves {@code a.test} with an ECDSA and an RSA certificate.
 */
class Http3IT {
    private static final String HSTS = "max-age=31536000";
    private static final String TIMING = "app;dur=\\d+\\.\\d{3}";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestNode node;
    private static H3Client h3;

    @BeforeAll
    static void start() {
        pki = new TestPki(dir.resolve("pki"));
        TestPki.Leaf ec = pki.leaf("a-ec", "EC", null, "a.test", "127.0.0.1");
        TestPki.Leaf rsa = pki.leaf("a-rsa", "RSA", null, "a.test", "127.0.0.1");
        node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(ec.entry(), rsa.entry()), t -> t))
                .overHttps(pki.clientContext());
        h3 = new H3Client("a.test", node.tlsPort(), pki.caFile());
    }

    @AfterAll
    static void stop() {
        if (h3 != null) {
            h3.close();
        }
        node.close();
    }

    private static H3Client.Response get(String path, String... headers) {
        return h3.send(H3Client.Request.get(path, headers));
    }

    @Test
    void redirectsOverHttp3CarryLocationCacheControlHstsAndServerTiming() {
        node.createLink("h3r001", "https://example.com/over-h3", null);
        double hits = node.metric("shortr_redirect_cache_hits_total");
        // the first answer comes from the router (a cache miss, on a virtual thread), the second from the fast path
        for (String pass : List.of("miss", "hit")) {
            H3Client.Response r = get("/h3r001");
            assertThat(r.status()).as(pass).isEqualTo(302);
            assertThat(r.header("location")).as(pass).isEqualTo("https://example.com/over-h3");
            assertThat(r.header("cache-control")).as(pass).isEqualTo("private, max-age=0");
            assertThat(r.header("x-robots-tag")).as(pass).isEqualTo("noindex");
            assertThat(r.header("strict-transport-security")).as("%s: HSTS over HTTP/3", pass).isEqualTo(HSTS);
            assertThat(r.header("server-timing")).as("%s: server-timing", pass).matches(TIMING);
            assertThat(r.header("alt-svc")).as("%s: no Alt-Svc on HTTP/3 itself", pass).isNull();
        }
        assertThat(node.metric("shortr_redirect_cache_hits_total") - hits).as("the second redirect was a cache hit").isEqualTo(1);

        H3Client.Response forwarded = get("/h3r001?utm_source=h3");
        assertThat(forwarded.header("location")).as("no query forwarding unless the link asks").isEqualTo("https://example.com/over-h3");
    }

    @Test
    void clicksOverHttp3AreCountedAndHeadsAreNot() throws InterruptedException {
        node.createLink("h3c001", "https://example.com/clicked-over-h3", null);
        QuicChannel ch = h3.connect();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(H3Client.send(ch, H3Client.Request.get("/h3c001", "user-agent", "Mozilla/5.0 (X11; Linux x86_64)")).status())
                        .isEqualTo(302);
            }
            for (int i = 0; i < 2; i++) {
                H3Client.Response head = H3Client.send(ch, new H3Client.Request("HEAD", "/h3c001", java.util.Map.of(), null));
                assertThat(head.status()).isEqualTo(302);
                assertThat(head.body()).isEmpty();
            }
        } finally {
            ch.close().awaitUninterruptibly();
        }
        ClicksIT.awaitClicks(node, "h3c001", 3);
        // the analytics totals follow the click count by a counters interval
        long deadline = System.nanoTime() + 5_000_000_000L;
        JsonNode stats = ClicksIT.stats(node, "h3c001");
        while (stats.get("totals").get("heads").asLong() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(25);
            stats = ClicksIT.stats(node, "h3c001");
        }
        assertThat(stats.get("totals").get("heads").asLong()).as("HEADs are counted apart: %s", stats).isEqualTo(2);
        assertThat(stats.get("totals").get("clicks").asLong()).as("and never as clicks: %s", stats).isEqualTo(3);
        assertThat(stats.get("clicks").asLong()).isEqualTo(3);
    }

    @Test
    void theApiAnswersOverHttp3WithTheSameJsonAsOverHttp1() {
        H3Client.Response created = h3.send(H3Client.Request.of("POST", "/api/v1/links",
                "{\"code\":\"h3a001\",\"url\":\"https://example.com/made-over-h3\",\"title\":\"over QUIC\"}",
                "authorization", "Bearer " + node.adminKey(), "content-type", "application/json"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("strict-transport-security")).isEqualTo(HSTS);
        assertThat(created.header("server-timing")).matches(TIMING);
        JsonNode link = TestNode.parse(created.body());
        assertThat(link.get("shortUrl").asText()).as("a short URL made over HTTP/3 is https with its authority")
                .isEqualTo("https://a.test/h3a001");

        H3Client.Response overH3 = get("/api/v1/links/h3a001", "authorization", "Bearer " + node.adminKey());
        HttpResponse<String> overH1 = node.admin("GET", "/api/v1/links/h3a001", null);
        assertThat(overH3.status()).isEqualTo(200);
        assertThat(overH1.statusCode()).isEqualTo(200);
        com.fasterxml.jackson.databind.node.ObjectNode h3Json = (com.fasterxml.jackson.databind.node.ObjectNode) TestNode.parse(overH3.body());
        com.fasterxml.jackson.databind.node.ObjectNode h1Json = (com.fasterxml.jackson.databind.node.ObjectNode) TestNode.parse(overH1.body());
        // the short URL follows the authority each client used: a.test over h3, 127.0.0.1:port over h1
        assertThat(h3Json.remove("shortUrl").asText()).isEqualTo("https://a.test/h3a001");
        assertThat(h1Json.remove("shortUrl").asText()).isEqualTo("https://127.0.0.1:" + node.tlsPort() + "/h3a001");
        assertThat(h3Json).as("the same JSON over h3 and h1").isEqualTo(h1Json);
        assertThat(overH3.header("content-type")).isEqualTo(overH1.headers().firstValue("content-type").orElse(null));

        H3Client.Response notModified = get("/api/v1/links/h3a001", "authorization", "Bearer " + node.adminKey(),
                "if-none-match", overH3.header("etag"));
        assertThat(notModified.status()).as("conditional GET").isEqualTo(304);
    }

    @Test
    void unknownCodesAndRoutesAreProblems() {
        node.createLink("h3g001", "https://example.com/gone", null);
        for (String pass : List.of("miss", "hit")) { // the second 404 comes from the fast path's negative entry
            H3Client.Response r = get("/nosuch9", "accept", "application/json");
            assertThat(r.status()).as(pass).isEqualTo(404);
            assertThat(r.header("content-type")).as(pass).startsWith("application/problem+json");
            assertThat(TestNode.parse(r.body()).get("type").asText()).as(pass).endsWith("/link-not-found");
            assertThat(r.header("strict-transport-security")).as(pass).isEqualTo(HSTS);
        }
        H3Client.Response page = get("/nosuch9");
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.header("content-type")).as("browsers get the HTML page").startsWith("text/html");

        H3Client.Response route = get("/api/v1/nothing/here", "authorization", "Bearer " + node.adminKey());
        assertThat(route.status()).isEqualTo(404);
        assertThat(TestNode.parse(route.body()).get("type").asText()).endsWith("/not-found");

        H3Client.Response unauthenticated = h3.send(H3Client.Request.of("POST", "/api/v1/links",
                "{\"url\":\"https://example.com\"}", "content-type", "application/json"));
        assertThat(unauthenticated.status()).isEqualTo(401);
    }

    @Test
    void aBodyOverTheLimitIsRefused() {
        String big = "{\"url\":\"https://example.com/" + "x".repeat(1 << 20) + "\"}";
        H3Client.Response declared = h3.send(H3Client.Request.of("POST", "/api/v1/links", big,
                "authorization", "Bearer " + node.adminKey(), "content-type", "application/json",
                "content-length", Integer.toString(big.length())));
        assertThat(declared.status()).as("a declared length over the limit").isEqualTo(413);
        assertThat(TestNode.parse(declared.body()).get("type").asText()).endsWith("/body-too-large");

        H3Client.Response undeclared = h3.send(H3Client.Request.of("POST", "/api/v1/links", big,
                "authorization", "Bearer " + node.adminKey(), "content-type", "application/json"));
        assertThat(undeclared.status()).as("DATA frames past the limit").isEqualTo(413);
        assertThat(node.admin("GET", "/api/v1/links?q=xxxxxxxxxxxxxxxx", null).body()).doesNotContain("xxxxxxxxxxxxxxxx");
    }

    @Test
    void httpsAnswersAdvertiseHttp3AndCleartextAnswersDoNot() {
        node.createLink("h3s001", "https://example.com/alt-svc", null);
        String altSvc = "h3=\":" + node.tlsPort() + "\"; ma=86400";
        String resolve = "a.test:" + node.tlsPort() + ":127.0.0.1";
        String base = "https://a.test:" + node.tlsPort();
        Curl.Result health = Curl.run("-si", "--http1.1", "--resolve", resolve, "--cacert", pki.caFile().toString(), base + "/healthz");
        assertThat(health.out()).as(health.err()).startsWith("HTTP/1.1 200");
        assertThat(header(health.out(), "alt-svc")).as("an HTTPS answer from the router").isEqualTo(altSvc);
        for (String pass : List.of("miss", "hit")) {
            Curl.Result r = Curl.run("-si", "--http1.1", "--resolve", resolve, "--cacert", pki.caFile().toString(), base + "/h3s001");
            assertThat(r.out()).as(pass).startsWith("HTTP/1.1 302");
            assertThat(header(r.out(), "alt-svc")).as("%s: a redirect over HTTPS", pass).isEqualTo(altSvc);
            assertThat(header(r.out(), "strict-transport-security")).as(pass).isEqualTo(HSTS);
        }
        Curl.Result cleartext = Curl.run("-si", node.baseUrl() + "/healthz");
        assertThat(cleartext.out()).startsWith("HTTP/1.1 200");
        assertThat(header(cleartext.out(), "alt-svc")).as("never Alt-Svc over cleartext").isNull();
        Curl.Result toHttps = Curl.run("-si", node.baseUrl() + "/h3s001");
        assertThat(toHttps.out()).startsWith("HTTP/1.1 308");
        assertThat(header(toHttps.out(), "alt-svc")).as("nor on the cleartext 308").isNull();
    }

    @Test
    void withHttp3OffNothingIsAdvertised() {
        TestPki.Leaf leaf = pki.leaf("off-ec", "EC", null, "a.test", "127.0.0.1");
        try (TestNode off = TestNode.start(dir.resolve("off"), TestNode.tls(List.of(leaf.entry()), t -> t.withHttp3(false, false)))) {
            Curl.Result r = Curl.run("-si", "--http1.1", "--resolve", "a.test:" + off.tlsPort() + ":127.0.0.1", "--cacert", pki.caFile().toString(),
                    "https://a.test:" + off.tlsPort() + "/healthz");
            assertThat(r.out()).as(r.err()).startsWith("HTTP/1.1 200");
            assertThat(header(r.out(), "alt-svc")).as("no Alt-Svc without HTTP/3").isNull();
            assertThat(header(r.out(), "strict-transport-security")).isEqualTo(HSTS);
            assertThat(off.metric("shortr_http3_requests_total")).as("no HTTP/3 metrics either").isNaN();
        }
    }

    /**
     * A resumed connection sends a GET and a POST in its 0-RTT packets. Whether the server reads them before its
     * handshake completes depends on a race inside quiche: 0-RTT packets that arrive before the server has installed
     * the early-data keys (its certificate step runs as a task) are held back and decrypted with the client's
     * Finished, and are then served as ordinary requests, which is safe (a replay never completes a handshake). So
     * each attempt must be consistent either way, and one of up to ten attempts must have seen early data.
     */
    @Test
    void zeroRttServesAnEarlyGetAndRefusesAnEarlyPostWith425() throws Exception {
        node.createLink("h3e001", "https://example.com/early", null);
        // 20 ms each way: over bare loopback the handshake is over before the client has written its early data
        try (UdpDelay link = new UdpDelay(node.tlsPort(), 20); H3Client client = new H3Client("a.test", link.port(), pki.caFile())) {
            // a first, full handshake leaves the client a session ticket that allows early data
            assertThat(client.send(H3Client.Request.get("/healthz")).status()).isEqualTo(200);
            boolean refusedEarly = false;
            for (int attempt = 1; attempt <= 10 && !refusedEarly; attempt++) {
                double early = node.metric("shortr_http3_early_requests_total");
                double tooEarly = node.metric("shortr_http3_too_early_total");
                String code = "h3e1" + (10 + attempt);
                String post = "{\"code\":\"" + code + "\",\"url\":\"https://example.com/replayable\"}";
                H3Client.Request create = H3Client.Request.of("POST", "/api/v1/links", post, "authorization",
                        "Bearer " + node.adminKey(), "content-type", "application/json");
                H3Client.Early resumed = client.connectEarly(H3Client.Request.get("/h3e001"), create);
                try {
                    assertThat(resumed.sentEarly()).as("attempt %d: the resumed connection offered 0-RTT", attempt).isTrue();
                    H3Client.Response got = resumed.responses().get(0).get(10, TimeUnit.SECONDS);
                    assertThat(got.status()).as("an early GET is served").isEqualTo(302);
                    assertThat(got.header("location")).isEqualTo("https://example.com/early");
                    H3Client.Response posted = resumed.responses().get(1).get(10, TimeUnit.SECONDS);
                    double seenEarly = node.metric("shortr_http3_early_requests_total") - early;
                    double refused = node.metric("shortr_http3_too_early_total") - tooEarly;
                    if (posted.status() == 425) {
                        refusedEarly = true;
                        assertThat(TestNode.parse(posted.body()).get("type").asText()).endsWith("/too-early");
                        assertThat(seenEarly).as("the server saw both requests before the handshake completed").isEqualTo(2);
                        assertThat(refused).isEqualTo(1);
                        assertThat(node.admin("GET", "/api/v1/links/" + code, null).statusCode()).as("nothing was created")
                                .isEqualTo(404);
                        // sent again once the handshake is complete, on the same connection, the POST goes through
                        H3Client.Response retried = H3Client.send(resumed.connection(), create);
                        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
                        assertThat(node.metric("shortr_http3_early_requests_total") - early).as("the retry was not early")
                                .isEqualTo(2);
                    } else {
                        // read after the handshake: a POST is never served from early data
                        assertThat(posted.status()).as("attempt %d: %s", attempt, posted.body()).isEqualTo(201);
                        assertThat(refused).as("nothing refused").isZero();
                        assertThat(seenEarly).as("at most the GET was read early").isLessThanOrEqualTo(1);
                    }
                } finally {
                    resumed.connection().close().awaitUninterruptibly();
                }
            }
            assertThat(refusedEarly).as("in ten resumptions the server read the 0-RTT requests early at least once").isTrue();
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }
}
