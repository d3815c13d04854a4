package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.metrics.Metrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Failover as a resolver sees it, over real UDP, with the health checks fetching real HTTP endpoints: a site
 * whose endpoint stops leaves the answers within {@code interval × fall}, comes back after {@code rise} passing
 * checks, and the change shows in {@code /api/v1/dns/pools} and is counted once in {@code /metrics}. Before the
 * first checks finish every site is up (never "all down"), and when every site is down {@code whenAllDown}
 * decides: {@code all} answers them all, {@code none} SERVFAIL.
 */
class DnsFailoverIT {
    private static final String FRA = "198.51.100.1";
    private static final String IAD = "198.51.100.2";
    private static final String SYD = "198.51.100.3";
    /** How late a machine running other tests may be, on top of what the check settings promise. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new java.util.ArrayList<>();
    private DnsRole role;
    private int statusPort;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private HealthSite site(HealthSite.Mode mode) throws IOException {
        HealthSite s = HealthSite.start(mode);
        open.add(s);
        return s;
    }

    /** A pool of the given sites (fra, iad, syd in order) checked as {@code check} says. */
    private void start(String check, HealthSite... sites) throws Exception {
        String[] names = {"fra", "iad", "syd"};
        String[] addresses = {FRA, IAD, SYD};
        StringBuilder pool = new StringBuilder();
        for (int i = 0; i < sites.length; i++) {
            pool.append("      - {name: ").append(names[i]).append(", ipv4: ").append(addresses[i]).append(", checkUrl: \"")
                    .append(sites[i].url()).append("\"}\n");
        }
        Path zone = dir.resolve("failover.yaml");
        Files.writeString(zone, """
                origin: sho.rt
                nameservers: [ns1.sho.rt.]
                records:
                  - "ns1 A 192.0.2.53"
                pools:
                  web:
                    check: %s
                    sites:
                %s
                names:
                  "@": {pool: web, policy: weighted, answers: 3}
                  strict: {pool: web, policy: failover, whenAllDown: none}
                rateLimit: {responsesPerSecond: 0}
                """.formatted(check, pool));
        role = DnsRole.start(zone, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
        open.add(role);
        Metrics metrics = new Metrics();
        open.add(metrics);
        role.register(metrics);
        statusPort = role.statusListener("127.0.0.1", 0, metrics);
    }

    private Message ask(String name) throws IOException {
        return RawDns.udp(role.port(), RawDns.query(name, Type.A), 1000);
    }

    private Set<String> apex() throws IOException {
        Message m = ask("sho.rt.");
        assertThat(m.getRcode()).as(RawDns.describe(m)).isEqualTo(Rcode.NOERROR);
        return new HashSet<>(RawDns.answers(m));
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /** The site named {@code name} in {@code GET /api/v1/dns/pools}. */
    private JsonNode status(String name) throws Exception {
        for (JsonNode s : JSON.readTree(get("/api/v1/dns/pools")).path("pools").get(0).path("sites")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no site " + name + " in /api/v1/dns/pools");
    }

    private boolean checkedAndUp(String site) throws Exception {
        JsonNode s = status(site);
        return s.path("checked").asBoolean() && s.path("up").asBoolean();
    }

    private long transitions() throws Exception {
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith("shortr_dns_health_transitions")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no shortr_dns_health_transitions in /metrics");
    }

    /** Polls until {@code done} holds and returns how long that took; fails after {@code limit}. */
    private static Duration await(String what, Duration limit, Callable<Boolean> done) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        while (!done.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit.toMillis() + " ms");
            }
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void aSiteWhoseCheckStopsLeavesTheAnswersAndComesBackAfterRisePassingChecks() throws Exception {
        HealthSite fra = site(HealthSite.Mode.UP);
        HealthSite iad = site(HealthSite.Mode.UP);
        HealthSite syd = site(HealthSite.Mode.UP);
        start("{interval: 200ms, timeout: 150ms, fall: 2, rise: 2}", fra, iad, syd);
        // every site checked and up (a first check slowed by a cold JVM may time out; rise checks bring it back)
        await("every site checked and up", Duration.ofSeconds(5), () -> checkedAndUp("fra") && checkedAndUp("iad") && checkedAndUp("syd"));
        assertThat(apex()).containsExactlyInAnyOrder(FRA, IAD, SYD);
        long transitionsBefore = transitions(); // 0, or 2 per site whose first check timed out

        iad.stop();
        Duration gone = await("iad leaves the answers", Duration.ofMillis(200 * 2).plus(SLACK), () -> !apex().contains(IAD));
        System.out.println("iad left the answers " + gone.toMillis() + " ms after its health endpoint stopped");
        for (int i = 0; i < 5; i++) {
            assertThat(apex()).containsExactlyInAnyOrder(FRA, SYD);
        }
        JsonNode down = status("iad");
        assertThat(down.path("up").asBoolean()).isFalse();
        assertThat(down.path("lastError").asText()).isNotBlank();
        System.out.println("iad's last error: " + down.path("lastError").asText());
        assertThat(status("fra").path("up").asBoolean()).isTrue();
        assertThat(status("syd").path("up").asBoolean()).isTrue();
        // more failed checks do not count as more changes
        await("iad fails twice more", Duration.ofSeconds(5), () -> status("iad").path("failures").asInt() >= 4);
        assertThat(transitions()).isEqualTo(transitionsBefore + 1);

        iad.restart();
        Duration back = await("iad is answered again", Duration.ofMillis(200 * 2).plus(SLACK), () -> apex().contains(IAD));
        int checksWhenBack = iad.checks();
        System.out.println("iad was answered again " + back.toMillis() + " ms after a restart, after " + checksWhenBack + " check(s)");
        assertThat(checksWhenBack).as("passing checks before iad came back (rise: 2)").isGreaterThanOrEqualTo(2);
        assertThat(apex()).containsExactlyInAnyOrder(FRA, IAD, SYD);
        await("the way back is counted", Duration.ofSeconds(1), () -> transitions() == transitionsBefore + 2);
        assertThat(status("iad").path("up").asBoolean()).isTrue();
        assertThat(status("iad").path("lastError").isNull()).isTrue();
    }

    @Test
    void beforeTheFirstChecksFinishEverySiteIsUpAndWhenAllAreDownTheNameDecides() throws Exception {
        // the checks hang until their 4 s timeout, so no first result can come in while the test asks
        HealthSite fra = site(HealthSite.Mode.HANGING);
        HealthSite iad = site(HealthSite.Mode.HANGING);
        start("{interval: 5s, timeout: 4s, fall: 2, rise: 2}", fra, iad);
        Message strict = ask("strict.sho.rt.");
        assertThat(strict.getRcode()).as(RawDns.describe(strict)).isEqualTo(Rcode.NOERROR);
        assertThat(RawDns.answers(strict)).containsExactly(FRA);
        assertThat(apex()).containsExactlyInAnyOrder(FRA, IAD);
        assertThat(status("fra").path("checked").asBoolean()).as("fra checked already").isFalse();
        assertThat(status("fra").path("up").asBoolean()).isTrue();
        assertThat(status("iad").path("checked").asBoolean()).as("iad checked already").isFalse();

        // both checks now get 503: the first result of a site decides at once
        fra.mode(HealthSite.Mode.FAILING);
        iad.mode(HealthSite.Mode.FAILING);
        await("strict answers SERVFAIL with every site down", Duration.ofSeconds(3), () -> ask("strict.sho.rt.").getRcode() == Rcode.SERVFAIL);
        assertThat(status("fra").path("up").asBoolean()).isFalse();
        assertThat(status("iad").path("up").asBoolean()).isFalse();
        assertThat(status("iad").path("lastError").asText()).isEqualTo("HTTP 503");
        for (int i = 0; i < 5; i++) {
            assertThat(apex()).as("whenAllDown: all").containsExactlyInAnyOrder(FRA, IAD);
        }
        await("both changes counted", Duration.ofSeconds(1), () -> transitions() == 2);
    }
}
