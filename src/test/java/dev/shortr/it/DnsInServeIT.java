package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.DnsConfig;
import dev.shortr.config.ShortrConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The DNS role inside an origin node ({@code dns.zone}): the node answers DNS on its own port beside HTTP, shows the
 * pools at {@code /api/v1/dns/pools} to admin keys only, counts queries in its {@code /metrics}, and refuses to start
 * on a zone file with problems, naming them.
 */
class DnsInServeIT {
    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ShortrConfig withDns(ShortrConfig c, Path zone, int port) {
        return new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(), c.webhooks(),
                c.tls(), c.redis(), new DnsConfig(zone, "127.0.0.1", port, 1));
    }

    @Test
    void aNodeServesItsZoneBesideHttp() throws Exception {
        try (LoopbackSites sites = LoopbackSites.start()) {
            Path zone = sites.zone(Path.of("src/test/resources/dns/zone.yaml"), dir.resolve("zone"));
            int port = freePort();
            try (TestNode node = TestNode.start(dir.resolve("data"), c -> withDns(c, zone, port))) {
                Message m = RawDns.udp(port, RawDns.query("mail.sho.rt.", Type.A), 2000);
                assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(RawDns.answers(m)).containsExactly("192.0.2.25");

                var pools = node.admin("GET", "/api/v1/dns/pools", null);
                assertThat(pools.statusCode()).isEqualTo(200);
                assertThat(TestNode.parse(pools.body()).path("pools").get(0).path("sites")).hasSize(3);
                assertThat(node.get("/api/v1/dns/pools").statusCode()).isEqualTo(401);
                assertThat(node.api("GET", "/api/v1/dns/pools", node.mintKey("reader", "links:read"), null).statusCode()).isEqualTo(403);
                assertThat(node.metric("shortr_dns_queries_total{transport=\"udp\"}")).isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    void aNodeWithoutTheRoleSaysSo() throws Exception {
        try (TestNode node = TestNode.start(dir.resolve("plain"))) {
            TestNode.assertProblem(node.admin("GET", "/api/v1/dns/pools", null), 404, "role-off");
            assertThat(node.get("/api/v1/dns/pools").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aZoneWithProblemsStopsTheNodeFromStarting() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, "origin: sho.rt\nnameservers: [ns1.sho.rt.]\nrecords:\n  - \"@ CNAME elsewhere.example.\"\n");
        int port = freePort();
        try {
            TestNode.start(dir.resolve("data"), c -> withDns(c, bad, port)).close();
            throw new AssertionError("the node started on a zone with a CNAME at the apex");
        } catch (dev.shortr.config.ConfigException e) {
            assertThat(e.problems()).anyMatch(p -> p.startsWith("dns.zone ") && p.contains("CNAME cannot be at the apex"));
        }
    }
}
