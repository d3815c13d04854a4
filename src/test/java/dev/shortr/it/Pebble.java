package dev.shortr.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Let's Encrypt's test CA, Pebble (Debian's {@code pebble}), run from a config in a temporary directory: its ACME
 * directory and management interface on free loopback ports, its own HTTPS certificate from a {@link TestPki}
 * (the package ships none), and HTTP-01 validation sent to {@code httpPort}, the cleartext port of the node under
 * test. Validation is real ({@code PEBBLE_VA_ALWAYS_VALID=0}), without Pebble's random sleeps, without rejected
 * nonces, and with no authorization reused, so every order makes the node answer a challenge. Names are resolved
 * by the system resolver, which maps {@code localhost} to loopback, offline.
 */
final class Pebble implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final int managementPort;
    private final TestPki pki;
    private final Path log;
    private final HttpClient http;

    private Pebble(Process process, int port, int managementPort, TestPki pki, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.pki = pki;
        this.log = log;
        this.http = HttpClient.newBuilder().sslContext(pki.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * Starts Pebble, validating HTTP-01 challenges on {@code httpPort}, issuing certificates valid for
     * {@code validity}; returns once its directory answers. Aborts the test, saying why, when the {@code pebble}
     * binary is missing: {@code ./test} installs it, so a skip here means the suite was run some other way.
     */
    static Pebble start(Path dir, int httpPort, Duration validity) throws Exception {
        Files.createDirectories(dir);
        TestPki pki = new TestPki(dir.resolve("pki"));
        TestPki.Leaf tls = pki.leaf("pebble", "EC", null, "localhost", "127.0.0.1");
        int port = ChildNode.freePort();
        int management = ChildNode.freePort();
        Path config = dir.resolve("pebble-config.json");
        Files.writeString(config, """
                {"pebble": {
                  "listenAddress": "127.0.0.1:%d",
                  "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s",
                  "privateKey": "%s",
                  "httpPort": %d,
                  "tlsPort": %d,
                  "ocspResponderURL": "",
                  "externalAccountBindingRequired": false,
                  "certificateValidityPeriod": %d
                }}
                """.formatted(port, management, tls.chain(), tls.key(), httpPort, ChildNode.freePort(), validity.toSeconds()));
        Path log = dir.resolve("pebble.log");
        ProcessBuilder pb = new ProcessBuilder("pebble", "-config", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_VA_ALWAYS_VALID", "0");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        pb.environment().put("PEBBLE_AUTHZREUSE", "0");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            String why = "SKIPPED: the ACME end-to-end test needs Let's Encrypt's Pebble, and 'pebble' cannot be run ("
                    + e.getMessage() + "); install Debian's package: apt-get install pebble (./test does)";
            System.err.println("\n!!! " + why + "\n");
            Assumptions.abort(why);
            throw new AssertionError("unreachable");
        }
        Pebble pebble = new Pebble(process, port, management, pki, log);
        pebble.awaitDirectory();
        return pebble;
    }

    private void awaitDirectory() throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("pebble exited with " + process.exitValue() + ": " + log());
            }
            try {
                if (get(directory()).contains("newOrder")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("pebble's directory did not answer within " + START.toSeconds() + " s: " + log());
    }

    /** The ACME directory URL, at 127.0.0.1 (its certificate names that address). */
    String directory() {
        return "https://127.0.0.1:" + port + "/dir";
    }

    /** The CA of Pebble's own HTTPS certificate: what {@code tls.acme.directoryCa} must trust. */
    Path directoryCa() {
        return pki.caFile();
    }

    /** The root that Pebble made at start-up, which every certificate it issues chains to. */
    X509Certificate root() throws Exception {
        return certificate(get("https://127.0.0.1:" + managementPort + "/roots/0"));
    }

    /** The intermediate that signs the certificates Pebble issues. */
    X509Certificate intermediate() throws Exception {
        return certificate(get("https://127.0.0.1:" + managementPort + "/intermediates/0"));
    }

    /** Pebble's log so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(pebble's log unreadable: " + e + ")";
        }
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static X509Certificate certificate(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
