package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.TlsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS end to end with Debian's curl and openssl: routes and redirects over TLS with HSTS, the cleartext
 * listener's 308s, protocol versions and ciphers, SNI with two names, ECDSA and RSA certificates side by side
 * for one name, and session resumption. The node serves {@code a.test} (and {@code *.a.test}) with an ECDSA and
 * an RSA certificate, and {@code b.test} with an ECDSA one; {@code a.test}'s are the default.
 */
class TlsIT {
    private static final String HSTS = "max-age=31536000";

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestNode node;
    private static TestPki.Leaf aEc;
    private static TestPki.Leaf aRsa;
    private static TestPki.Leaf bEc;

    @BeforeAll
    static void start() {
        pki = new TestPki(dir.resolve("pki"));
        aEc = pki.leaf("a-ec", "EC", null, "a.test", "*.a.test", "127.0.0.1");
        aRsa = pki.leaf("a-rsa", "RSA", null, "a.test", "*.a.test", "127.0.0.1");
        bEc = pki.leaf("b-ec", "EC", null, "b.test");
        node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(aEc.entry(), aRsa.entry(), bEc.entry()), t -> t))
                .overHttps(pki.clientContext());
        node.createLink("tls001", "https://example.com/over-tls", null);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /**
     * curl to https://NAME:TLSPORT/... over HTTP/1.1 (ALPN would pick h2: see {@link #h2OverTlsIsChosenByAlpn}) with
     * NAME resolved to loopback and only the test CA trusted.
     */
    private static Curl.Result https(String name, String... args) {
        List<String> all = new ArrayList<>(List.of("--http1.1", "--resolve", name + ":" + node.tlsPort() + ":127.0.0.1",
                "--cacert", pki.caFile().toString()));
        all.addAll(List.of(args));
        return Curl.run(all.toArray(String[]::new));
    }

    private static String url(String name, String path) {
        return "https://" + name + ":" + node.tlsPort() + path;
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

    @Test
    void routesAndRedirectsWorkOverHttpsAndEveryAnswerCarriesHsts() {
        Curl.Result created = https("a.test", "-i", "-H", "authorization: Bearer " + node.adminKey(), "-H",
                "content-type: application/json", "--data", "{\"code\":\"tls002\",\"url\":\"https://example.com/made-over-tls\"}",
                url("a.test", "/api/v1/links"));
        assertThat(created.exit()).as("curl: %s", created.err()).isZero();
        assertThat(created.out()).startsWith("HTTP/1.1 201");
        assertThat(header(created.out(), "strict-transport-security")).as("HSTS on an API answer").isEqualTo(HSTS);
        JsonNode link = TestNode.parse(created.out().substring(created.out().indexOf("\r\n\r\n") + 4));
        assertThat(link.get("shortUrl").asText()).as("a short URL made over HTTPS is https")
                .isEqualTo("https://a.test:" + node.tlsPort() + "/tls002");

        // the first answer comes from the router (a cache miss), the second from the fast path's pre-built bytes
        for (String pass : List.of("miss", "hit")) {
            Curl.Result r = https("a.test", "-i", url("a.test", "/tls001"));
            assertThat(r.out()).as("%s: %s", pass, r.err()).startsWith("HTTP/1.1 302");
            assertThat(header(r.out(), "location")).as(pass).isEqualTo("https://example.com/over-tls");
            assertThat(header(r.out(), "strict-transport-security")).as("%s: HSTS on a redirect", pass).isEqualTo(HSTS);
        }
        Curl.Result missing = https("a.test", "-i", url("a.test", "/nosuch1"));
        assertThat(missing.out()).startsWith("HTTP/1.1 404");
        assertThat(header(missing.out(), "strict-transport-security")).as("HSTS on the 404 page").isEqualTo(HSTS);

        Curl.Result health = Curl.run("-i", node.baseUrl() + "/healthz");
        assertThat(health.out()).startsWith("HTTP/1.1 200");
        assertThat(header(health.out(), "strict-transport-security")).as("never HSTS over cleartext").isNull();
    }

    @Test
    void h2OverTlsIsChosenByAlpn() {
        List<String> base = List.of("--resolve", "a.test:" + node.tlsPort() + ":127.0.0.1", "--cacert", pki.caFile().toString(),
                "-i", "--http2");
        for (String pass : List.of("miss", "hit")) {
            List<String> args = new ArrayList<>(base);
            args.add(url("a.test", "/tls001"));
            Curl.Result r = Curl.run(args.toArray(String[]::new));
            assertThat(r.exit()).as("curl: %s", r.err()).isZero();
            assertThat(r.out()).as(pass).startsWith("HTTP/2 302");
            assertThat(header(r.out(), "location")).as(pass).isEqualTo("https://example.com/over-tls");
            assertThat(header(r.out(), "strict-transport-security")).as("%s: HSTS over h2", pass).isEqualTo(HSTS);
        }
        List<String> api = new ArrayList<>(base);
        api.addAll(List.of("-H", "authorization: Bearer " + node.adminKey(), url("a.test", "/api/v1/links/tls001")));
        Curl.Result r = Curl.run(api.toArray(String[]::new));
        assertThat(r.out()).startsWith("HTTP/2 200");
        assertThat(header(r.out(), "strict-transport-security")).isEqualTo(HSTS);
        // a client that offers only HTTP/1.1 still gets it
        List<String> h1 = new ArrayList<>(base.subList(0, 5));
        h1.addAll(List.of("--http1.1", url("a.test", "/tls001")));
        assertThat(Curl.run(h1.toArray(String[]::new)).out()).startsWith("HTTP/1.1 302");
    }

    @Test
    void cleartextAnswers308ToTheSamePathAndQueryOverHttps() {
        Curl.Result byAddress = Curl.run("-i", node.baseUrl() + "/tls001?utm_source=mail&x=%20y");
        assertThat(byAddress.out()).startsWith("HTTP/1.1 308");
        assertThat(header(byAddress.out(), "location")).isEqualTo("https://127.0.0.1:" + node.tlsPort() + "/tls001?utm_source=mail&x=%20y");
        assertThat(header(byAddress.out(), "strict-transport-security")).isNull();

        Curl.Result byName = Curl.run("-i", "-H", "Host: a.test:" + node.port(), node.baseUrl() + "/anything/else?q=1");
        assertThat(header(byName.out(), "location")).isEqualTo("https://a.test:" + node.tlsPort() + "/anything/else?q=1");

        Curl.Result post = Curl.run("-i", "-H", "content-type: application/json", "--data", "{\"url\":\"https://example.com\"}",
                node.baseUrl() + "/api/v1/links");
        assertThat(post.out()).as("a POST is redirected too (308 keeps the method)").startsWith("HTTP/1.1 308");

        Curl.Result forged = Curl.run("-i", "-H", "Host: evil.example/path@x", node.baseUrl() + "/tls001");
        assertThat(header(forged.out(), "location")).as("a Host that is not a host name is not used")
                .isEqualTo("https://127.0.0.1:" + node.tlsPort() + "/tls001");

        // curl follows the 308 over HTTPS and lands on the link's redirect
        Curl.Result followed = Curl.run("--http1.1", "-i", "-L", "--max-redirs", "1", "--resolve", "a.test:" + node.port() + ":127.0.0.1",
                "--resolve", "a.test:" + node.tlsPort() + ":127.0.0.1", "--cacert", pki.caFile().toString(),
                "http://a.test:" + node.port() + "/tls001");
        assertThat(followed.out()).contains("HTTP/1.1 308").contains("HTTP/1.1 302").contains("location: https://example.com/over-tls");

        assertThat(Curl.run("-s", "-o", "/dev/null", "-w", "%{http_code}", node.baseUrl() + "/healthz").out()).isEqualTo("200");
        assertThat(Curl.run("-s", "-o", "/dev/null", "-w", "%{http_code}", node.baseUrl() + "/readyz").out()).isEqualTo("200");
        assertThat(Curl.run("-s", "-o", "/dev/null", "-w", "%{http_code}", node.baseUrl() + "/.well-known/acme-challenge/tok3n").out())
                .as("ACME challenges are answered over cleartext, not redirected").isEqualTo("404");
    }

    @Test
    void tls10And11AreRefusedAndTls12Works() {
        Curl.Result tls12 = https("a.test", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--tlsv1.2", "--tls-max", "1.2",
                url("a.test", "/healthz"));
        assertThat(tls12.out()).as("TLS 1.2: %s", tls12.err()).isEqualTo("200");
        assertThat(https("a.test", "--tlsv1", "--tls-max", "1.1", url("a.test", "/healthz")).exit()).isNotZero();
        // curl's OpenSSL refuses TLS 1.1 by itself; lower its security level so that the refusal must be the server's
        for (String version : List.of("-tls1", "-tls1_1")) {
            SClient.Result r = SClient.run(node.tlsPort(), version, "-cipher", "DEFAULT@SECLEVEL=0", "-servername", "a.test");
            assertThat(r.handshakeOk()).as("%s: %s", version, r.out()).isFalse();
            assertThat(r.out()).as("%s is refused by the server", version).contains("alert protocol version");
        }
    }

    @Test
    void tls12OffersOnlyEcdheWithAeadCiphers() {
        for (String weak : List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-GCM-SHA256", "AES256-SHA",
                "DES-CBC3-SHA", "ECDHE-RSA-AES128-SHA256")) {
            SClient.Result r = SClient.run(node.tlsPort(), "-tls1_2", "-cipher", weak + "@SECLEVEL=0", "-servername", "a.test");
            assertThat(r.handshakeOk()).as("%s must be refused: %s", weak, r.out()).isFalse();
        }
        for (String good : List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
                "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305")) {
            SClient.Result r = SClient.run(node.tlsPort(), "-tls1_2", "-cipher", good, "-servername", "a.test");
            assertThat(r.out()).as(good).contains("Cipher is " + good);
        }
    }

    @Test
    void sniServesEachNameItsCertificateAndTheFirstToClientsWithoutOne() {
        assertThat(SClient.run(node.tlsPort(), "-servername", "a.test").subject()).startsWith("CN = a.test");
        assertThat(SClient.run(node.tlsPort(), "-servername", "b.test").subject()).startsWith("CN = b.test");
        assertThat(SClient.run(node.tlsPort(), "-servername", "www.a.test").subject()).as("the wildcard").startsWith("CN = a.test");
        assertThat(SClient.run(node.tlsPort(), "-noservername").subject()).as("no SNI: the default").startsWith("CN = a.test");
        assertThat(SClient.run(node.tlsPort(), "-servername", "c.test").subject()).as("an unknown name: the default")
                .startsWith("CN = a.test");
        // and curl, which checks the name: b.test verifies against its own certificate
        assertThat(https("b.test", "-s", "-o", "/dev/null", "-w", "%{http_code}", url("b.test", "/healthz")).out()).isEqualTo("200");
    }

    @Test
    void ecdsaAndRsaClientsEachGetTheCertificateTheyCanVerify() {
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            SClient.Result ec = SClient.run(node.tlsPort(), version, "-servername", "a.test", "-sigalgs", "ECDSA+SHA256:ECDSA+SHA384");
            assertThat(ec.subject()).as("%s, ECDSA-only client: %s", version, ec.out()).isEqualTo("CN = a.test, O = EC");
            assertThat(ec.out()).contains("Peer signature type: ECDSA");
            SClient.Result rsa = SClient.run(node.tlsPort(), version, "-servername", "a.test", "-sigalgs",
                    "rsa_pss_rsae_sha256:rsa_pkcs1_sha256");
            assertThat(rsa.subject()).as("%s, RSA-only client: %s", version, rsa.out()).isEqualTo("CN = a.test, O = RSA");
            assertThat(rsa.out()).contains("Peer signature type: RSA");
            SClient.Result both = SClient.run(node.tlsPort(), version, "-servername", "a.test");
            assertThat(both.subject()).as("%s, a client that takes both gets ECDSA", version).isEqualTo("CN = a.test, O = EC");
        }
    }

    @Test
    void sessionsResumeWithTicketsAndFromTheSessionCache(@TempDir Path sessions) {
        String[][] kinds = {{"TLS 1.3 ticket", "-tls1_3"}, {"TLS 1.2 ticket", "-tls1_2"}, {"TLS 1.2 session ID", "-tls1_2", "-no_ticket"}};
        for (String[] kind : kinds) {
            Path saved = sessions.resolve(kind[0].replace(' ', '-') + ".pem");
            List<String> args = new ArrayList<>(List.of(kind).subList(1, kind.length));
            args.addAll(List.of("-servername", "a.test"));
            List<String> first = new ArrayList<>(args);
            first.addAll(List.of("-sess_out", saved.toString()));
            SClient.Result full = SClient.run(node.tlsPort(), first.toArray(String[]::new));
            assertThat(full.reused()).as(kind[0]).isFalse();
            assertThat(full.out()).as(kind[0]).contains("HTTP/1.1 200");
            List<String> second = new ArrayList<>(args);
            second.addAll(List.of("-sess_in", saved.toString()));
            SClient.Result resumed = SClient.run(node.tlsPort(), second.toArray(String[]::new));
            assertThat(resumed.reused()).as("%s resumes: %s", kind[0], resumed.out()).isTrue();
            assertThat(resumed.out()).contains("HTTP/1.1 200");
        }
    }

    @Test
    void aMinimumOfTls13RefusesTls12(@TempDir Path data) {
        UnaryOperator<TlsConfig> only13 = t -> new TlsConfig(true, 0, t.certificates(), t.provider(), "TLSv1.3", t.hstsMaxAge(),
                true, false, t.redirectHttp(), t.sessionTicketRotation(), t.sessionCacheSize(), t.sessionTimeout(),
                t.ocspStapling(), t.reloadInterval());
        try (TestNode strict = TestNode.start(data, TestNode.tls(List.of(aEc.entry()), only13))) {
            String base = "https://a.test:" + strict.tlsPort();
            List<String> common = List.of("--resolve", "a.test:" + strict.tlsPort() + ":127.0.0.1", "--cacert", pki.caFile().toString());
            List<String> tls12 = new ArrayList<>(common);
            tls12.addAll(List.of("--tlsv1.2", "--tls-max", "1.2", base + "/healthz"));
            Curl.Result refused = Curl.run(tls12.toArray(String[]::new));
            assertThat(refused.exit()).as("TLS 1.2 against a TLS 1.3 minimum: %s", refused.out()).isNotZero();
            assertThat(SClient.run(strict.tlsPort(), "-tls1_2", "-servername", "a.test").out()).contains("alert protocol version");
            List<String> tls13 = new ArrayList<>(common);
            tls13.addAll(List.of("-i", "--http1.1", "--tlsv1.3", base + "/healthz"));
            Curl.Result ok = Curl.run(tls13.toArray(String[]::new));
            assertThat(ok.out()).startsWith("HTTP/1.1 200");
            assertThat(header(ok.out(), "strict-transport-security")).as("includeSubDomains when asked for")
                    .isEqualTo("max-age=31536000; includeSubDomains");
        }
    }

    @Test
    void theJdkProviderServesTheSameWay(@TempDir Path data) {
        UnaryOperator<TlsConfig> jdk = t -> new TlsConfig(true, 0, t.certificates(), "jdk", t.minVersion(), t.hstsMaxAge(),
                false, false, t.redirectHttp(), t.sessionTicketRotation(), t.sessionCacheSize(), t.sessionTimeout(),
                t.ocspStapling(), t.reloadInterval());
        try (TestNode j = TestNode.start(data, TestNode.tls(List.of(aEc.entry(), aRsa.entry(), bEc.entry()), jdk))) {
            assertThat(SClient.run(j.tlsPort(), "-servername", "b.test").subject()).startsWith("CN = b.test");
            assertThat(SClient.run(j.tlsPort(), "-servername", "a.test", "-sigalgs", "ECDSA+SHA256").subject())
                    .isEqualTo("CN = a.test, O = EC");
            assertThat(SClient.run(j.tlsPort(), "-servername", "a.test", "-sigalgs", "rsa_pss_rsae_sha256:rsa_pkcs1_sha256").subject())
                    .isEqualTo("CN = a.test, O = RSA");
            assertThat(SClient.run(j.tlsPort(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").handshakeOk()).isFalse();
            Curl.Result r = Curl.run("-i", "--http1.1", "--resolve", "a.test:" + j.tlsPort() + ":127.0.0.1", "--cacert",
                    pki.caFile().toString(), "https://a.test:" + j.tlsPort() + "/healthz");
            assertThat(r.out()).startsWith("HTTP/1.1 200");
            assertThat(header(r.out(), "strict-transport-security")).isEqualTo(HSTS);
        }
    }
}
