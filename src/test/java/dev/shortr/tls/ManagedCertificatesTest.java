package dev.shortr.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates another part of the node writes (ACME's): the development certificate stands in until they
 * exist, they replace it once written, and a pair that cannot be loaded at start-up (a crash between its key and
 * its chain) does not keep the node from starting.
 */
class ManagedCertificatesTest {
    @TempDir
    Path dir;

    private static TlsConfig config() {
        TlsConfig d = TlsConfig.defaults();
        return new TlsConfig(true, 0, List.of(), "auto", d.minVersion(), d.hstsMaxAge(), false, false, true,
                d.sessionTicketRotation(), d.sessionCacheSize(), d.sessionTimeout(), false, Duration.ofMillis(100));
    }

    /** A valid pair, made as the development certificate is, then copied to {@code chain.pem} and {@code key.pem}. */
    private Path[] pair(String name) throws Exception {
        String[] made = DevCertificate.ensure(dir.resolve("made-" + name)).split(":");
        return new Path[] {Path.of(made[0]), Path.of(made[1])};
    }

    @Test
    void theDevelopmentCertificateStandsInUntilTheManagedOneIsWrittenThenLeaves() throws Exception {
        Path chain = dir.resolve("acme/sho.rt/chain.pem");
        Path key = dir.resolve("acme/sho.rt/key.pem");
        try (Tls tls = Tls.start(config(), dir.resolve("data"), List.of("http/1.1"), List.of(chain + ":" + key))) {
            assertThat(tls.current().credentials()).singleElement()
                    .satisfies(c -> assertThat(c.files().getFirst()).isEqualTo(dir.resolve("data/tls/dev-cert.pem")));

            Path[] issued = pair("issued");
            Files.createDirectories(chain.getParent());
            Files.copy(issued[1], key);
            Files.copy(issued[0], chain);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (tls.reloads() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(tls.current().credentials()).singleElement()
                    .satisfies(c -> assertThat(c.files()).containsExactly(chain, key));
            assertThat(tls.reloadFailures()).isZero();
        }
    }

    @Test
    void aManagedPairThatDoesNotMatchAtStartUpIsLeftOutInsteadOfFailingTheStart() throws Exception {
        Path chain = dir.resolve("acme/sho.rt/chain.pem");
        Path key = dir.resolve("acme/sho.rt/key.pem");
        Files.createDirectories(chain.getParent());
        Files.copy(pair("old")[0], chain);
        Files.copy(pair("new")[1], key);
        try (Tls tls = Tls.start(config(), dir.resolve("data"), List.of("http/1.1"), List.of(chain + ":" + key))) {
            assertThat(tls.current().credentials()).singleElement()
                    .satisfies(c -> assertThat(c.files().getFirst()).isEqualTo(dir.resolve("data/tls/dev-cert.pem")));
        }
    }
}
