package dev.shortr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.it.HealthSite;
import dev.shortr.metrics.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shortr dns} as an operator types it: {@code check} prints a summary or one line per problem (exit 0
 * or 1, never a stack trace), the server refuses to start without a zone (2) or with a missing one (1), and
 * {@code status} prints the sites of a running role (exit 1 while one is down), or says in one line that
 * nothing answers (3).
 */
class DnsCommandTest {
    private static final Path SHARED_ZONE = Path.of("src/test/resources/dns/zone.yaml");

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : Arrays.asList(err.split("\n"));
        }
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Result(exit, out.toString(), err.toString());
    }

    private static void noStackTrace(Result r) {
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
        assertThat(r.out()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void checkSummarisesAGoodZone() {
        Result r = run("dns", "check", SHARED_ZONE.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().split("\n")).startsWith(
                SHARED_ZONE + ": zone sho.rt. is valid: 22 static record(s), 1 pool(s) with 3 site(s), 5 steered name(s)")
                .contains("  sho.rt. -> pool web, geo, ttl 30s, 1 answer(s), with HTTPS record",
                        "  strict.sho.rt. -> pool web, failover, ttl 30s, 1 answer(s), with HTTPS record")
                .hasSize(6);
    }

    @Test
    void checkListsEveryProblemOfABadZoneOnALineOfItsOwn() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                origin: sho.rt
                nameservers: [ns1.sho.rt.]
                records: ["@ CNAME elsewhere.example.", "www A 10.0.0.300"]
                colour: blue
                """);
        Result r = run("dns", "check", bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactlyInAnyOrder(
                bad + ": records[1]: 'www A 10.0.0.300': Invalid address: 10.0.0.300",
                bad + ": records: sho.rt. CNAME: a CNAME cannot be at the apex (RFC 1034 §3.6.2); use A/AAAA and HTTPS, or a pool under 'names'",
                bad + ": records: sho.rt. has a CNAME and other data; a CNAME stands alone (RFC 1034 §3.6.2)",
                bad + ": colour: unknown key",
                bad + ": 4 problem(s)");
        noStackTrace(r);
    }

    @Test
    void checkSaysInOneLineWhenTheFileIsMissingOrNotYaml() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        Result r = run("dns", "check", missing.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly(missing + ": no such file", missing + ": 1 problem(s)");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "origin: sho.rt\nnameservers: [ns1.sho.rt.\n");
        r = run("dns", "check", broken.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly(
                broken + ": not valid YAML at line 2: while parsing a flow sequence; expected ',' or ']', but got <stream end>",
                broken + ": 1 problem(s)");
        noStackTrace(r);
    }

    @Test
    void theServerWithoutAZoneIsAUsageError() {
        Result r = run("dns");
        assertThat(r).isEqualTo(new Result(2, "", "shortr: missing --zone FILE (or a command: check, status); see 'shortr dns --help'\n"));
    }

    @Test
    void theServerWithAMissingZoneFailsInOneLine() {
        Path missing = dir.resolve("missing.yaml");
        // the server blocks until shutdown once it runs; should the zone ever load, fail rather than hang
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> run("dns", "--zone", missing.toString(), "--port", "0", "--http-port", "-1"));
        assertThat(r).isEqualTo(new Result(1, "", "zone: " + missing + ": no such file\n"));
    }

    @Test
    void statusShowsEverySiteAndFailsWhileOneIsDown() throws Exception {
        try (HealthSite fra = HealthSite.start(HealthSite.Mode.UP); HealthSite iad = HealthSite.start(HealthSite.Mode.UP)) {
            iad.stop();
            Path zone = dir.resolve("status.yaml");
            Files.writeString(zone, """
                    origin: sho.rt
                    nameservers: [ns1.sho.rt.]
                    pools:
                      web:
                        check: {interval: 200ms, timeout: 150ms, rise: 1, fall: 1}
                        sites:
                          - {name: fra, ipv4: 198.51.100.1, checkUrl: "%s"}
                          - {name: iad, ipv4: [198.51.100.2, 198.51.100.12], checkUrl: "%s"}
                    names:
                      "@": {pool: web}
                    """.formatted(fra.url(), iad.url()));
            try (DnsRole role = DnsRole.start(zone, new DnsServer.Settings("127.0.0.1", 0, 1, 16), GeoLookup.none());
                 Metrics metrics = new Metrics()) {
                role.register(metrics);
                String server = "http://127.0.0.1:" + role.statusListener("127.0.0.1", 0, metrics);
                awaitSites(role, "fra", true, "iad", false);

                Result r = run("dns", "status", "--server", server);
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err()).isEmpty();
                List<String> lines = Arrays.asList(r.out().split("\n"));
                assertThat(lines.getFirst()).isEqualTo("zone sho.rt.");
                assertThat(lines.get(1).split(" {2,}")).containsExactly("POOL", "SITE", "STATE", "ADDRESSES", "REGION", "SINCE", "LAST ERROR");
                assertThat(lines.get(2).split(" {2,}")).startsWith("web", "fra", "up", "198.51.100.1").endsWith("-");
                assertThat(lines.get(3).split(" {2,}")).startsWith("web", "iad", "DOWN", "198.51.100.2 198.51.100.12")
                        .endsWith("connection refused");
                assertThat(lines).hasSize(4);

                Result json = run("dns", "status", "--server", server, "--json");
                assertThat(json.exit()).isZero();
                JsonNode pools = new ObjectMapper().readTree(json.out()).path("pools");
                assertThat(pools.get(0).path("up").asInt()).isEqualTo(1);

                iad.restart();
                awaitSites(role, "fra", true, "iad", true);
                r = run("dns", "status", "--server", server);
                assertThat(r.exit()).isZero();
                assertThat(r.out()).contains("iad").doesNotContain("DOWN");
            }
        }
    }

    /** Waits until the named sites have been checked and are up or down as given. */
    private static void awaitSites(DnsRole role, Object... siteAndUp) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            JsonNode sites = new ObjectMapper().readTree(role.poolsJson()).path("pools").get(0).path("sites");
            boolean all = true;
            for (int i = 0; i < siteAndUp.length; i += 2) {
                for (JsonNode s : sites) {
                    if (s.path("name").asText().equals(siteAndUp[i])) {
                        all &= s.path("checked").asBoolean() && s.path("up").asBoolean() == (Boolean) siteAndUp[i + 1];
                    }
                }
            }
            if (all) {
                return;
            }
            assertThat(System.nanoTime()).as("sites as wanted: %s", sites).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void statusWithNothingListeningIsUnreachableInOneLine() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Result r = run("dns", "status", "--server", "http://127.0.0.1:" + port);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("shortr: cannot reach http://127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void statusAsksTheStandaloneStatusListenerByDefault() {
        Result help = run("dns", "status", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("(default http://127.0.0.1:8053)");
        // with SHORTR_SERVER set (a node running DNS), that is where it asks
        StringWriter out = new StringWriter();
        Cli.run(new String[] {"dns", "status", "--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()),
                Map.of("SHORTR_SERVER", "http://node.example:8080"));
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("(default http://node.example:8080)");
    }
}
