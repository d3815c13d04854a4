package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME end to end against Pebble, Let's Encrypt's test CA: a real {@code shortr serve} with {@code tls.acme} pointed
 * at it for {@code localhost} answers the HTTP-01 challenge on its own cleartext listener (HTTPS redirects on),
 * gets a certificate from Pebble's intermediate, keeps it in the data directory readable by itself alone, and
 * serves it over HTTPS without a restart; after a restart it serves it again at once, ordering nothing; and a
 * certificate inside {@code renewBefore} is renewed again and again while clients keep connecting, with no failed
 * request.
 */
class AcmePebbleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CHALLENGE_ROUTE = "route=\"/.well-known/acme-challenge/{token}\"";

    @Test
    void pebbleIssuesOverHttp01AnsweredByTheNodeWhichServesTheCertificateAndKeepsItAcrossARestart(@TempDir Path dir)
            throws Exception {
        int port = ChildNode.freePort();
        int tlsPort = ChildNode.freePort();
        try (Pebble pebble = Pebble.start(dir.resolve("pebble"), port, Duration.ofDays(90))) {
            Path config = config(dir, pebble, tlsPort, "checkInterval: 1s");
            Path data = dir.resolve("data");
            X509Certificate issued;
            try (ChildNode node = ChildNode.serve(config, data, dir.resolve("logs-1"), port)) {
                node.awaitHealthy();
                assertThat(node.output()).contains("TLS: no certificate from ACME yet").contains("SELF-SIGNED DEVELOPMENT CERTIFICATE");
                X509Certificate intermediate = pebble.intermediate();
                issued = await(() -> {
                    X509Certificate c = served(tlsPort);
                    return c.getIssuerX500Principal().equals(intermediate.getSubjectX500Principal()) ? c : null;
                }, "a certificate from Pebble to be served", node, pebble);

                // issued by Pebble's intermediate for the name, and verified by real clients up to Pebble's root
                issued.verify(intermediate.getPublicKey());
                assertThat(issued.getSubjectAlternativeNames().stream().map(san -> san.get(1).toString()).toList())
                        .containsExactly("localhost");
                Path root = dir.resolve("pebble-root.pem");
                Files.writeString(root, pem(pebble.root()));
                SClient.Result s = SClient.run(tlsPort, "-servername", "localhost", "-CAfile", root.toString(),
                        "-verify_hostname", "localhost");
                assertThat(s.out()).as(s.out()).contains("Verify return code: 0 (ok)")
                        .containsPattern("issuer= ?CN ?= ?" + cn(intermediate));
                assertThat(curl(root, tlsPort, "/healthz")).isEqualTo("200");

                // the account and the certificate, kept safely
                assertThat(mode(data.resolve("acme"))).isEqualTo("rwx------");
                assertThat(mode(data.resolve("acme/account.key"))).isEqualTo("rw-------");
                assertThat(mode(data.resolve("acme/localhost/key.pem"))).isEqualTo("rw-------");
                assertThat(Files.readString(data.resolve("acme/localhost/chain.pem"))).contains(pem(issued).strip());

                // the challenge was answered by the node itself; with nothing pending, a token is 404, over both listeners
                assertThat(metric(root, tlsPort, "shortr_http_requests_seconds_count{method=\"GET\"," + CHALLENGE_ROUTE
                        + ",status=\"200\"}")).as("Pebble's validations answered").isPositive();
                assertThat(Curl.run("-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:" + port + "/.well-known/acme-challenge/nothing-pending").out()).isEqualTo("404");
                assertThat(curl(root, tlsPort, "/.well-known/acme-challenge/nothing-pending")).isEqualTo("404");

                assertThat(metric(root, tlsPort, "shortr_tls_acme_renewals_total")).isEqualTo(1.0);
                assertThat(metric(root, tlsPort, "shortr_tls_acme_failures_total")).isZero();
                assertThat(metric(root, tlsPort, "shortr_tls_acme_certificate_expiry_seconds"))
                        .isEqualTo((double) issued.getNotAfter().toInstant().getEpochSecond());
                Thread.sleep(3_000); // three more checks: a certificate with 90 days left is not renewed
                assertThat(metric(root, tlsPort, "shortr_tls_acme_renewals_total")).isEqualTo(1.0);
                assertThat(served(tlsPort).getSerialNumber()).isEqualTo(issued.getSerialNumber());
            }

            try (ChildNode again = ChildNode.serve(config, data, dir.resolve("logs-2"), port)) {
                again.awaitHealthy();
                assertThat(served(tlsPort).getSerialNumber()).as("served at once after a restart")
                        .isEqualTo(issued.getSerialNumber());
                Thread.sleep(2_000);
                assertThat(again.output()).doesNotContain("no certificate from ACME yet").doesNotContain("DEVELOPMENT CERTIFICATE")
                        .doesNotContain("ACME: ordering");
            }
        }
    }

    @Test
    void aCertificateWithinRenewBeforeIsRenewedAndServedWithoutARestartWhileNoRequestFails(@TempDir Path dir) throws Exception {
        int port = ChildNode.freePort();
        int tlsPort = ChildNode.freePort();
        try (Pebble pebble = Pebble.start(dir.resolve("pebble"), port, Duration.ofDays(90))) {
            // a renewBefore longer than the certificate's life: every check (every 2 s) finds it due
            Path config = config(dir, pebble, tlsPort, "checkInterval: 2s\n    renewBefore: 8760h");
            try (ChildNode node = ChildNode.serve(config, dir.resolve("data"), dir.resolve("logs"), port)) {
                node.awaitHealthy();
                X509Certificate intermediate = pebble.intermediate();
                X509Certificate first = await(() -> {
                    X509Certificate c = served(tlsPort);
                    return c.getIssuerX500Principal().equals(intermediate.getSubjectX500Principal()) ? c : null;
                }, "the first certificate from Pebble", node, pebble);
                SSLContext trust = trusting(pebble.root());

                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong ok = new AtomicLong();
                List<String> failures = new CopyOnWriteArrayList<>();
                Set<BigInteger> seen = ConcurrentHashMap.newKeySet();
                Thread fresh = Thread.ofPlatform().name("new-connections").start(() -> {
                    while (running.get()) {
                        // a context of its own each time: a resumed session would show the certificate it began with
                        try (SSLSocket s = open(trusting(pebble.root()), tlsPort)) {
                            seen.add(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber());
                            count(exchange(s, "close"), ok, failures, "new connection");
                        } catch (Exception e) {
                            failures.add("new connection: " + e);
                        }
                    }
                });
                Thread kept = Thread.ofPlatform().name("keep-alive").start(() -> {
                    try (SSLSocket s = open(trust, tlsPort)) {
                        while (running.get()) {
                            count(exchange(s, "keep-alive"), ok, failures, "keep-alive");
                            Thread.sleep(5);
                        }
                    } catch (Exception e) {
                        failures.add("keep-alive: " + e);
                    }
                });
                try {
                    await(() -> seen.stream().filter(serial -> !serial.equals(first.getSerialNumber())).count() >= 2 ? true : null,
                            "two renewals to be served", node, pebble);
                } finally {
                    running.set(false);
                    fresh.join(TIMEOUT.toMillis());
                    kept.join(TIMEOUT.toMillis());
                }
                assertThat(failures).as("failed requests while certificates were renewed").isEmpty();
                assertThat(ok.get()).as("requests during the renewals").isGreaterThan(50);
                assertThat(node.alive()).as("the same node, never restarted").isTrue();
                Path root = dir.resolve("pebble-root.pem");
                Files.writeString(root, pem(pebble.root()));
                assertThat(metric(root, tlsPort, "shortr_tls_acme_renewals_total")).isGreaterThanOrEqualTo(3.0);
                assertThat(metric(root, tlsPort, "shortr_tls_acme_failures_total")).isZero();
                assertThat(metric(root, tlsPort, "shortr_tls_certificate_reload_failures_total"))
                        .as("no half-written pair was ever loaded").isZero();
                assertThat(node.output()).contains("is not shorter than the certificate's life");
            }
        }
    }

    private static Path config(Path dir, Pebble pebble, int tlsPort, String moreAcme) throws IOException {
        return Files.writeString(dir.resolve("shortr.yaml"), """
                server:
                  host: 127.0.0.1
                tls:
                  enabled: true
                  port: %d
                  reloadInterval: 200ms
                  acme:
                    enabled: true
                    directory: %s
                    directoryCa: %s
                    email: ops@shortr.test
                    domains: [localhost]
                    agreeToTerms: true
                    %s
                """.formatted(tlsPort, pebble.directory(), pebble.directoryCa(), moreAcme));
    }

    private static void count(String status, AtomicLong ok, List<String> failures, String what) {
        if (status.startsWith("HTTP/1.1 200")) {
            ok.incrementAndGet();
        } else {
            failures.add(what + ": " + status);
        }
    }

    /** The certificate the HTTPS listener serves for SNI {@code localhost}, whoever issued it. */
    private static X509Certificate served(int port) throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket(new Socket("127.0.0.1", port), "localhost", port, true)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** A connection to 127.0.0.1 for {@code localhost}, its certificate checked against {@code trust} and the name. */
    private static SSLSocket open(SSLContext trust, int port) throws IOException {
        SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(new Socket("127.0.0.1", port), "localhost", port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    /** One GET /healthz; returns the status line. */
    private static String exchange(SSLSocket s, String connection) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: " + connection + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) != -1) {
            head.append((char) c);
        }
        String text = head.toString();
        int length = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ");
        if (length >= 0) {
            in.readNBytes(Integer.parseInt(text.substring(length + 16, text.indexOf('\r', length)).strip()));
        }
        return text.isEmpty() ? "(no answer)" : text.substring(0, text.indexOf('\r') < 0 ? text.length() : text.indexOf('\r'));
    }

    private static SSLContext trusting(X509Certificate root) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("pebble-root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /** curl over HTTPS to {@code localhost} (resolved to 127.0.0.1), trusting {@code root} only; the status code. */
    private static String curl(Path root, int tlsPort, String path) {
        return Curl.run("-o", "/dev/null", "-w", "%{http_code}", "--cacert", root.toString(), "--resolve",
                "localhost:" + tlsPort + ":127.0.0.1", "https://localhost:" + tlsPort + path).out();
    }

    /** One sample from {@code /metrics} over HTTPS; {@code series} is its whole name with labels. */
    private static double metric(Path root, int tlsPort, String series) {
        Curl.Result r = Curl.run("--cacert", root.toString(), "--resolve", "localhost:" + tlsPort + ":127.0.0.1",
                "https://localhost:" + tlsPort + "/metrics");
        for (String line : r.out().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip());
            }
        }
        throw new AssertionError(series + " not in /metrics: " + r.err() + r.out());
    }

    private static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String cn(X509Certificate c) {
        return c.getSubjectX500Principal().getName().replaceFirst("^CN=", "").replaceFirst(",.*", "");
    }

    private static String pem(X509Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private interface Probe<T> {
        /** The awaited value, or null while it is not there yet. */
        T get() throws Exception;
    }

    private static <T> T await(Probe<T> probe, String what, ChildNode node, Pebble pebble) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + (last == null ? "" : " (last: " + last + ")") + node.logs()
                + "\n--- pebble ---\n" + pebble.log());
    }
}
