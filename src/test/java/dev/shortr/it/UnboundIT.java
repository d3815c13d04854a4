package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.metrics.Metrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unbound, a real recursive resolver, in front of the DNS role (a stub zone for sho.rt), as clients meet shortr
 * through their ISP's resolver: it honours our TTLs (a cached answer counts down from ours, no new query reaches
 * shortr until it expires, then one does), caches negative answers, follows TC to TCP, and with EDNS Client
 * Subnet caches each geo answer for the scope we return: a client in 10.1/16 gets the eu site and one in 10.2/16
 * the us site through the same resolver, and a second client of 10.1/16 is answered from its cache. What reached
 * shortr is read from its own query counter ({@code shortr_dns_queries_total} on the status listener's /metrics).
 */
class UnboundIT {
    private static final Pattern QUERIES = Pattern.compile("(?m)^shortr_dns_queries_total\\{transport=\"(udp|tcp)\"} ([0-9.E]+)$");

    @TempDir
    static Path dir;
    static LoopbackSites sites;
    static DnsRole role;
    static int status;
    static Unbound unbound;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        sites = LoopbackSites.start();
        // one more steered name, with a TTL short enough to watch it run out
        Path zone = sites.zone(Path.of("src/test/resources/dns/zone.yaml"), dir.resolve("zone"), root -> ((ObjectNode) root.path("names"))
                .putObject("quick").put("pool", "web").put("policy", "failover").put("ttl", 3));
        role = DnsRole.start(zone, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
        Metrics metrics = new Metrics();
        role.register(metrics);
        status = role.statusListener("127.0.0.1", 0, metrics);
        unbound = Unbound.stub("sho.rt", role.port(), dir.resolve("unbound"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (unbound != null) {
            unbound.close();
        }
        if (role != null) {
            role.close();
        }
        if (sites != null) {
            sites.close();
        }
    }

    /** Through Unbound, as a client of {@code subnet} ({@code null}: as itself, 127.0.0.1). */
    static Dig.Response resolve(String name, String type, String subnet, String... more) {
        List<String> args = new ArrayList<>(List.of(name, type));
        if (subnet != null) {
            args.add("+subnet=" + subnet);
        }
        args.addAll(List.of(more));
        Dig.Response r = Dig.ask(unbound.port(), args.toArray(String[]::new));
        // a resolver's answer: recursion available, never authoritative
        assertThat(r.flags()).as("flags of %s", r).contains("qr", "ra").doesNotContain("aa");
        return r;
    }

    /** Queries shortr has received, UDP and TCP, by its status listener's metrics. */
    static long[] received() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + status + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        long[] n = new long[2];
        Matcher m = QUERIES.matcher(r.body());
        while (m.find()) {
            n[m.group(1).equals("udp") ? 0 : 1] = (long) Double.parseDouble(m.group(2));
        }
        return n;
    }

    static long total() throws IOException, InterruptedException {
        long[] n = received();
        return n[0] + n[1];
    }

    /**
     * The query count once it has stopped moving (unchanged for 300 ms, at most 5 s): what a resolver sends on
     * its own after answering (none is expected) is counted before the next step, not blamed on it.
     */
    static long settled() throws IOException, InterruptedException {
        long last = total();
        long stableSince = System.nanoTime();
        long deadline = stableSince + 5_000_000_000L;
        while (System.nanoTime() - stableSince < 300_000_000L) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("shortr's query count kept moving for 5 s (now " + last + ")");
            }
            Thread.sleep(50);
            long now = total();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    @Test
    void aCachedAnswerCountsDownFromOurTtlWithoutAskingUsAgain() throws Exception {
        long before = settled();
        Dig.Response first = resolve("mail.sho.rt", "A", null);
        assertThat(first.status()).isEqualTo("NOERROR");
        assertThat(first.data("A")).containsExactly("192.0.2.25");
        assertThat(first.answer().getFirst().ttl()).as("fresh from us: our TTL").isBetween(3598L, 3600L);
        long fetched = settled();
        assertThat(fetched).as("the first question reached shortr").isGreaterThan(before);
        // ask until the TTL has counted down (it does each second); every answer from the cache
        long deadline = System.nanoTime() + 5_000_000_000L;
        Dig.Response again;
        do {
            again = resolve("mail.sho.rt", "A", null);
            assertThat(again.data("A")).containsExactly("192.0.2.25");
            assertThat(again.answer().getFirst().ttl()).isLessThanOrEqualTo(first.answer().getFirst().ttl());
            assertThat(total()).as("a cached answer asks shortr nothing").isEqualTo(fetched);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the TTL did not count down within 5 s: " + again);
            }
            Thread.sleep(200);
        } while (again.answer().getFirst().ttl() >= first.answer().getFirst().ttl());
        assertThat(settled()).isEqualTo(fetched);
    }

    @Test
    void aSteeredAnswerIsKeptForItsTtlThenAskedForAgain() throws Exception {
        // quick.sho.rt (failover, TTL 3, scope 0): the same answer for every client, cached 3 s, then fetched again
        long before = settled();
        Dig.Response first = resolve("quick.sho.rt", "A", null);
        long firstAt = System.nanoTime();
        assertThat(first.data("A")).containsExactly("198.51.100.1");
        long ttl = first.answer().getFirst().ttl();
        assertThat(ttl).isBetween(2L, 3L);
        long fetched = settled();
        assertThat(fetched).isGreaterThan(before);
        long deadline = firstAt + (ttl + 10) * 1_000_000_000L;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Unbound kept quick.sho.rt past its TTL of " + ttl + " s without asking shortr again");
            }
            Dig.Response r = resolve("quick.sho.rt", "A", null);
            assertThat(r.data("A")).containsExactly("198.51.100.1");
            if (total() != fetched) {
                // this question went upstream: only once the cached copy had run out, and it starts again at our TTL
                assertThat(Duration.ofNanos(System.nanoTime() - firstAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(ttl - 1));
                assertThat(r.answer().getFirst().ttl()).isBetween(2L, 3L);
                return;
            }
            assertThat(r.answer().getFirst().ttl()).as("served from the cache only while it lives").isBetween(0L, ttl);
            Thread.sleep(250);
        }
    }

    @Test
    void geoAnswersAreCachedPerEcsScope() throws Exception {
        long start = settled();
        Dig.Response eu = resolve("sho.rt", "A", "10.1.2.0/24");
        assertThat(eu.data("A")).as("a client in 10.1/16").containsExactly("198.51.100.1");
        assertThat(eu.clientSubnet()).as("Unbound passes our scope on").isEqualTo("10.1.2.0/24/16");
        long afterEu = settled();
        assertThat(afterEu).isEqualTo(start + 1);

        Dig.Response us = resolve("sho.rt", "A", "10.2.2.0/24");
        assertThat(us.data("A")).as("a client in 10.2/16, same resolver: not eu's cached answer").containsExactly("198.51.100.2");
        long afterUs = settled();
        assertThat(afterUs).as("another scope: asked upstream").isEqualTo(afterEu + 1);

        Dig.Response euAgain = resolve("sho.rt", "A", "10.1.77.0/24");
        assertThat(euAgain.data("A")).as("another client of 10.1/16").containsExactly("198.51.100.1");
        assertThat(euAgain.answer().getFirst().ttl()).isLessThanOrEqualTo(30);
        assertThat(settled()).as("answered from the cache entry for 10.1/16").isEqualTo(afterUs);

        Dig.Response ap = resolve("sho.rt", "A", "10.3.0.0/24");
        assertThat(ap.data("A")).containsExactly("198.51.100.3");
        assertThat(settled()).isEqualTo(afterUs + 1);
        assertThat(resolve("sho.rt", "A", "10.2.250.0/24").data("A")).containsExactly("198.51.100.2");
        assertThat(settled()).as("10.2/16 from the cache too").isEqualTo(afterUs + 1);
    }

    @Test
    void aScopeZeroAnswerIsCachedForEveryClient() throws Exception {
        // weighted answers do not depend on the client and say scope 0: one cache entry serves every subnet
        long start = settled();
        Dig.Response first = resolve("w.sho.rt", "A", "10.1.2.0/24");
        assertThat(first.scope()).isZero();
        long fetched = settled();
        assertThat(fetched).isEqualTo(start + 1);
        for (String subnet : List.of("10.2.2.0/24", "10.3.3.0/24", "192.0.2.0/24")) {
            assertThat(resolve("w.sho.rt", "A", subnet).data("A")).isEqualTo(first.data("A"));
        }
        assertThat(settled()).isEqualTo(fetched);
    }

    @Test
    void negativeAnswersAreCachedByTheSoa() throws Exception {
        long start = settled();
        Dig.Response nx = resolve("nope.sho.rt", "A", null);
        assertThat(nx.status()).isEqualTo("NXDOMAIN");
        assertThat(nx.authority()).singleElement().satisfies(soa -> {
            assertThat(soa.type()).isEqualTo("SOA");
            assertThat(soa.ttl()).isBetween(1L, 60L);
        });
        long fetched = settled();
        assertThat(fetched).isEqualTo(start + 1);
        assertThat(resolve("nope.sho.rt", "A", null).status()).isEqualTo("NXDOMAIN");
        Dig.Response nodata = resolve("mail.sho.rt", "MX", null);
        assertThat(nodata.status()).isEqualTo("NOERROR");
        assertThat(nodata.answer()).isEmpty();
        long afterNodata = settled();
        assertThat(resolve("mail.sho.rt", "MX", null).answer()).isEmpty();
        assertThat(settled()).as("both negative answers from the cache the second time").isEqualTo(afterNodata);
        assertThat(afterNodata).isLessThanOrEqualTo(fetched + 1);
    }

    @Test
    void aTruncatedAnswerIsFetchedAgainOverTcp() throws Exception {
        long tcpBefore = received()[1];
        Dig.Response big = resolve("big.sho.rt", "TXT", null, "+tcp");
        assertThat(big.status()).isEqualTo("NOERROR");
        assertThat(big.answer()).hasSize(8);
        settled();
        assertThat(received()[1]).as("Unbound took our TC and asked again over TCP").isGreaterThan(tcpBefore);
    }
}
