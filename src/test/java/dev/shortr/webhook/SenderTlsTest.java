package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS to the address that was checked: the TLS handshake still names the URL's host (SNI) and the certificate
 * must carry that name. The receiver's certificate, for {@code hooks.test}, is made by the JDK's keytool.
 */
class SenderTlsTest {
    private static final Instant NOW = Instant.now();
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static KeyStore keys;
    private static KeyStore trusted;

    private SSLServerSocket listener;
    private Sender sender;

    @BeforeAll
    static void certificate() throws Exception {
        Path store = dir.resolve("hooks.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "hooks", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=hooks.test", "-ext", "SAN=dns:hooks.test", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finishes").isTrue();
        assertThat(p.exitValue()).as("keytool: %s", output).isZero();
        keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("hooks", keys.getCertificate("hooks"));
    }

    @BeforeEach
    void listen() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        Sender.Resolver everythingIsHere = host -> {
            if (!host.endsWith(".test")) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getLoopbackAddress());
        };
        sender = new Sender(Duration.ofSeconds(10), true, everythingIsHere, client.getSocketFactory());
    }

    @AfterEach
    void close() throws IOException {
        sender.close();
        listener.close();
    }

    private static Endpoint endpoint(String url) {
        return new Endpoint("wh_tls", url, List.of("*"), true, null, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", null, null, NOW, NOW);
    }

    /** What the receiver saw: the server name asked for in the handshake, then the request head. */
    record Seen(List<String> serverNames, List<String> head) {}

    private Seen answerOne() {
        try (SSLSocket c = (SSLSocket) listener.accept()) {
            c.startHandshake();
            List<String> names = ((ExtendedSSLSession) c.getSession()).getRequestedServerNames().stream()
                    .map(n -> ((SNIHostName) n).getAsciiName()).toList();
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> head = new ArrayList<>();
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
                if (line.startsWith("content-length: ")) {
                    length = Integer.parseInt(line.substring(16));
                }
            }
            in.skip(length);
            c.getOutputStream().write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            return new Seen(names, head);
        } catch (IOException e) {
            return new Seen(List.of(), List.of("handshake failed: " + e));
        }
    }

    @Test
    void theHandshakeAndHostNameTheUrlsHostWhileTheConnectionGoesToItsAddress() throws Exception {
        CompletableFuture<Seen> seen = CompletableFuture.supplyAsync(this::answerOne);

        Sender.Response r = sender.send(Payloads.test("evt_tls", NOW, "wh_tls"), endpoint("https://hooks.test:" + listener.getLocalPort() + "/in"), NOW);

        assertThat(r).isEqualTo(new Sender.Response(204, null));
        Seen s = seen.get(10, TimeUnit.SECONDS);
        assertThat(s.serverNames()).containsExactly("hooks.test");
        assertThat(s.head()).startsWith("POST /in HTTP/1.1").contains("host: hooks.test:" + listener.getLocalPort());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        CompletableFuture<Seen> seen = CompletableFuture.supplyAsync(this::answerOne);

        Sender.Response r = sender.send(Payloads.test("evt_tls", NOW, "wh_tls"), endpoint("https://other.test:" + listener.getLocalPort() + "/in"), NOW);

        assertThat(r.status()).isNull();
        assertThat(r.error()).startsWith("TLS: ").contains("other.test");
        assertThat(seen.get(10, TimeUnit.SECONDS).head()).as("nothing was posted").noneMatch(l -> l.startsWith("POST"));
    }
}
