package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates reload when their PEM files change, under load: while clients keep making HTTPS requests (each on
 * a new connection, and over kept-alive ones), the files are replaced; no request fails, new handshakes get the
 * new certificate, and a connection opened before the swap still works after it. A broken file is logged and
 * the certificate in use stays.
 */
class CertificateReloadIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void replacingThePemFilesUnderLoadFailsNoRequestAndNewHandshakesGetTheNewCertificate(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"));
        TestPki.Leaf first = pki.leaf("a", "EC", null, "a.test", "127.0.0.1");
        try (TestNode node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(first.entry()), t -> t))
                .overHttps(pki.clientContext())) {
            SSLContext trust = pki.clientContext();
            assertThat(servedSerial(pki.clientContext(), node.tlsPort())).isEqualTo(first.serial());
            // opened before the swap, used after it
            SSLSocket early = open(trust, node.tlsPort());

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();
            Set<BigInteger> seen = ConcurrentHashMap.newKeySet();
            Thread fresh = Thread.ofPlatform().name("new-connections").start(() -> {
                while (running.get()) {
                    // a context of its own each time: a resumed session would show the certificate it began with
                    try (SSLSocket s = open(pki.clientContext(), node.tlsPort())) {
                        seen.add(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber());
                        String status = exchange(s, "close");
                        if (status.startsWith("HTTP/1.1 200")) {
                            ok.incrementAndGet();
                        } else {
                            failures.add("new connection: " + status);
                        }
                    } catch (IOException e) {
                        failures.add("new connection: " + e);
                    }
                }
            });
            HttpClient keepAlive = HttpClient.newBuilder().sslContext(trust).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Thread pooled = Thread.ofPlatform().name("keep-alive").start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = keepAlive.send(HttpRequest.newBuilder(
                                URI.create("https://127.0.0.1:" + node.tlsPort() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add("keep-alive: " + r.statusCode());
                        }
                    } catch (IOException e) {
                        failures.add("keep-alive: " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                Thread.sleep(500);
                long before = ok.get();
                // a certificate tool writes the new key, then the new chain (each by a rename): for a moment the
                // files do not match, and the reload must wait for the pair rather than fail on it
                TestPki.Leaf second = pki.leaf("a", "EC", null, "a.test", "127.0.0.1");
                await(() -> seen.contains(second.serial()), "new handshakes to see the new certificate");
                await(() -> servedSerial(pki.clientContext(), node.tlsPort()).equals(second.serial()), "a fresh handshake to get it");
                Thread.sleep(300);
                running.set(false);
                fresh.join(TIMEOUT.toMillis());
                pooled.join(TIMEOUT.toMillis());
                assertThat(failures).as("failed requests").isEmpty();
                assertThat(ok.get() - before).as("requests during the swap").isGreaterThan(20);
                assertThat(exchange(early, "keep-alive")).as("a connection opened before the swap").startsWith("HTTP/1.1 200");
                assertThat(node.metric("shortr_tls_certificate_reloads_total")).isEqualTo(1.0);
                assertThat(node.metric("shortr_tls_certificate_reload_failures_total")).as("the half-written pair was not loaded")
                        .isZero();

                // a broken chain file: logged, counted, and the certificate in use stays
                TestPki.replace(first.chain(), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
                await(() -> node.metric("shortr_tls_certificate_reload_failures_total") >= 1, "the broken file to be noticed");
                assertThat(servedSerial(pki.clientContext(), node.tlsPort())).isEqualTo(second.serial());
                assertThat(node.get("/healthz").statusCode()).isEqualTo(200);

                TestPki.Leaf third = pki.leaf("a", "EC", null, "a.test", "127.0.0.1");
                await(() -> servedSerial(pki.clientContext(), node.tlsPort()).equals(third.serial()), "the repaired files to be served");
            } finally {
                running.set(false);
                early.close();
            }
        }
    }

    private static SSLSocket open(SSLContext trust, int port) throws IOException {
        SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("a.test")));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    /** One GET /healthz; returns the status line. */
    private static String exchange(SSLSocket s, String connection) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET /healthz HTTP/1.1\r\nHost: a.test\r\nConnection: " + connection + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
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

    private static BigInteger servedSerial(SSLContext trust, int port) {
        try (SSLSocket s = open(trust, port)) {
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            throw new AssertionError("handshake failed", e);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
