package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session-ticket keys rotate on schedule: a ticket still resumes after one rotation (the previous key opens
 * it) and no longer after two (its key is gone). The rotations are watched on /metrics, so each step lands
 * between two of them.
 */
class TlsSessionTicketsIT {
    private static final String ROTATIONS = "shortr_tls_ticket_key_rotations_total";

    @Test
    void aTicketResumesAcrossOneKeyRotationAndNotAcrossTwo(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"));
        TestPki.Leaf leaf = pki.leaf("a", "EC", null, "a.test", "127.0.0.1");
        try (TestNode node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(leaf.entry()),
                t -> new TlsConfig(true, 0, t.certificates(), t.provider(), t.minVersion(), t.hstsMaxAge(), false, false,
                        t.redirectHttp(), Duration.ofSeconds(2), t.sessionCacheSize(), t.sessionTimeout(), t.ocspStapling(),
                        t.reloadInterval()))).overHttps(pki.clientContext())) {
            Path ticket = dir.resolve("ticket.pem");
            long r = awaitRotation(node, (long) node.metric(ROTATIONS)); // right after a rotation: two seconds to work in
            SClient.Result first = SClient.run(node.tlsPort(), "-tls1_3", "-servername", "a.test", "-sess_out", ticket.toString());
            assertThat(first.out()).contains("HTTP/1.1 200").contains("New, TLSv1.3");

            r = awaitRotation(node, r);
            SClient.Result afterOne = SClient.run(node.tlsPort(), "-tls1_3", "-servername", "a.test", "-sess_in", ticket.toString());
            assertThat(afterOne.reused()).as("one rotation later the previous key still opens the ticket: %s", afterOne.out()).isTrue();

            awaitRotation(node, r);
            SClient.Result afterTwo = SClient.run(node.tlsPort(), "-tls1_3", "-servername", "a.test", "-sess_in", ticket.toString());
            assertThat(afterTwo.handshakeOk()).as(afterTwo.out()).isTrue();
            assertThat(afterTwo.reused()).as("two rotations later the ticket's key is forgotten: a full handshake").isFalse();
        }
    }

    /** Waits until the rotation counter passes {@code seen}; returns its new value. */
    private static long awaitRotation(TestNode node, long seen) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            long now = (long) node.metric(ROTATIONS);
            if (now > seen) {
                return now;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no ticket-key rotation within 10 s (counter stuck at " + seen + ")");
    }
}
