package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP stapling against a real responder ({@code openssl ocsp}, Debian's openssl) that the test CA signs for:
 * the node fetches a response for the certificate that names the responder and staples it, which
 * {@code openssl s_client -status} shows; a certificate without a responder gets no staple.
 */
class OcspStaplingIT {
    @Test
    void aCertificateThatNamesAResponderGetsItsResponseStapled(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TestPki.Leaf stapled = pki.leaf("a", "EC", "http://127.0.0.1:" + port, "a.test", "127.0.0.1");
        TestPki.Leaf bare = pki.leaf("b", "EC", null, "b.test");
        Path index = dir.resolve("index.txt");
        Files.writeString(index, TestPki.indexLine(stapled));
        Path log = dir.resolve("ocsp.log");
        Process responder = new ProcessBuilder("openssl", "ocsp", "-index", index.toString(), "-port", Integer.toString(port),
                "-rsigner", pki.caFile().toString(), "-rkey", pki.caKeyFile().toString(), "-CA", pki.caFile().toString(),
                "-ndays", "1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (TestNode node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(stapled.entry(), bare.entry()), t -> t))
                .overHttps(pki.clientContext())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (node.metric("shortr_tls_ocsp_stapled") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(100); // the first fetch may beat the responder's start; the retry comes 10 s later
            }
            assertThat(node.metric("shortr_tls_ocsp_stapled")).as("stapled certificates; responder log: %s", read(log))
                    .isEqualTo(1.0);

            SClient.Result a = SClient.run(node.tlsPort(), "-status", "-servername", "a.test", "-CAfile", pki.caFile().toString());
            assertThat(a.out()).as(a.out()).contains("OCSP Response Status: successful").contains("Cert Status: good")
                    .contains("Verify return code: 0 (ok)");
            SClient.Result b = SClient.run(node.tlsPort(), "-status", "-servername", "b.test");
            assertThat(b.out()).as("no responder, no staple").contains("OCSP response: no response sent");
        } finally {
            responder.destroy();
            responder.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
