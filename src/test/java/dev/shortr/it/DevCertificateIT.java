package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shortr serve} with TLS on and no certificate: it makes a self-signed ECDSA certificate for localhost,
 * 127.0.0.1 and ::1 in the data directory, says so loudly, serves it, and serves the same one after a restart.
 */
class DevCertificateIT {
    @Test
    void aDevelopmentCertificateIsMadeOnceWithAWarningAndReusedAfterARestart(@TempDir Path dir) throws Exception {
        int tlsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            tlsPort = s.getLocalPort();
        }
        Path config = dir.resolve("shortr.yaml");
        Files.writeString(config, "tls:\n  enabled: true\n  port: " + tlsPort + "\n");
        Path data = dir.resolve("data");
        Path cert = data.resolve("tls/dev-cert.pem");
        String firstSerial;
        try (ChildNode node = ChildNode.serve(config, data, dir.resolve("logs-1"))) {
            node.awaitAdminKey();
            node.awaitHealthy();
            assertThat(node.logs()).contains("WARNING: TLS is on with a SELF-SIGNED DEVELOPMENT CERTIFICATE (made now)");
            assertThat(cert).isRegularFile();
            assertThat(Files.getPosixFilePermissions(data.resolve("tls/dev-key.pem")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
            SClient.Result r = SClient.run(tlsPort, "-CAfile", cert.toString(), "-verify_hostname", "localhost");
            assertThat(r.out()).as(r.out()).contains("Verify return code: 0 (ok)").contains("Peer signature type: ECDSA");
            assertThat(SClient.run(tlsPort, "-CAfile", cert.toString(), "-verify_ip", "127.0.0.1").out())
                    .contains("Verify return code: 0 (ok)");
            firstSerial = pemOf(r.out());
        }
        try (ChildNode again = ChildNode.serve(config, data, dir.resolve("logs-2"))) {
            again.awaitHealthy();
            assertThat(again.logs()).contains("SELF-SIGNED DEVELOPMENT CERTIFICATE (reused)");
            SClient.Result r = SClient.run(tlsPort, "-CAfile", cert.toString(), "-verify_hostname", "localhost");
            assertThat(r.out()).contains("Verify return code: 0 (ok)");
            assertThat(pemOf(r.out())).as("the same certificate after a restart").isEqualTo(firstSerial);
        }
    }

    /** The served certificate's PEM block, which identifies it. */
    private static String pemOf(String sClientOut) {
        int start = sClientOut.indexOf("-----BEGIN CERTIFICATE-----");
        int end = sClientOut.indexOf("-----END CERTIFICATE-----");
        assertThat(start).as("a certificate in: %s", sClientOut).isNotNegative();
        return sClientOut.substring(start, end);
    }
}
