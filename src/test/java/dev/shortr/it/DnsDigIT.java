package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debian's dig against the DNS role, started in-process on loopback with the shared test zone (every site checked
 * on loopback by {@link LoopbackSites}): every static record type, CNAMEs followed, HTTPS, ANY, NXDOMAIN, NODATA,
 * REFUSED; each steering policy (geo for every region and nearest through {@code +subnet}, weighted, failover as
 * a site's check fails); TCP, truncation, recursion not offered, the query's case kept, EDNS. Each answer is read
 * the way a user reads dig: status, flags (aa, never ra), sections, and the ECS scope in the OPT pseudosection.
 */
class DnsDigIT {
    static final String SOA = "ns1.sho.rt. hostmaster.sho.rt. 2026112501 3600 600 1209600 60";

    @TempDir
    static Path dir;
    static LoopbackSites sites;
    static DnsRole role;

    @BeforeAll
    static void start() throws Exception {
        sites = LoopbackSites.start();
        Path zone = sites.zone(Path.of("src/test/resources/dns/zone.yaml"), dir);
        role = DnsRole.start(zone, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
    }

    @AfterAll
    static void stop() {
        if (role != null) {
            role.close();
        }
        if (sites != null) {
            sites.close();
        }
    }

    static Dig.Response dig(String... args) {
        return Dig.ask(role.port(), args);
    }

    /** An answer from the zone: qr and aa, never ra (no recursion here), never tc. */
    static Dig.Response authoritative(Dig.Response r, String status) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.flags()).as("flags of %s", r).contains("qr", "aa").doesNotContain("ra", "tc");
        return r;
    }

    static List<String> records(List<Dig.Rr> section) {
        return section.stream().map(Dig.Rr::toString).toList();
    }

    static Stream<Arguments> staticRecords() {
        return Stream.of(
                Arguments.of("mail.sho.rt", "A", List.of("mail.sho.rt. 3600 A 192.0.2.25")),
                Arguments.of("ns2.sho.rt", "AAAA", List.of("ns2.sho.rt. 3600 AAAA 2001:db8::54")),
                Arguments.of("sho.rt", "MX", List.of("sho.rt. 3600 MX 10 mail.sho.rt.")),
                Arguments.of("sho.rt", "TXT", List.of("sho.rt. 3600 TXT \"v=spf1 -all\"")),
                Arguments.of("sho.rt", "CAA", List.of("sho.rt. 3600 CAA 0 issue \"letsencrypt.org\"")),
                Arguments.of("sho.rt", "NS", List.of("sho.rt. 3600 NS ns1.sho.rt.", "sho.rt. 3600 NS ns2.sho.rt.")),
                Arguments.of("sho.rt", "SOA", List.of("sho.rt. 3600 SOA " + SOA)),
                Arguments.of("www.sho.rt", "CNAME", List.of("www.sho.rt. 3600 CNAME sho.rt.")),
                Arguments.of("docs.sho.rt", "A", List.of("docs.sho.rt. 300 CNAME docs.example.net.")), // target outside: not followed
                Arguments.of("_sip._tcp.sho.rt", "SRV", List.of("_sip._tcp.sho.rt. 3600 SRV 10 5 5060 mail.sho.rt.")),
                Arguments.of("a.b.deep.sho.rt", "A", List.of("a.b.deep.sho.rt. 3600 A 192.0.2.99")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("staticRecords")
    void staticRecordsOfEveryType(String name, String type, List<String> expected) {
        Dig.Response r = authoritative(dig(name, type), "NOERROR");
        assertThat(records(r.answer())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(r.authority()).isEmpty();
    }

    @Test
    void mxNsAndSrvAnswersCarryTheirTargetsAddresses() {
        assertThat(records(dig("sho.rt", "MX").additional())).containsExactly("mail.sho.rt. 3600 A 192.0.2.25");
        assertThat(records(dig("_sip._tcp.sho.rt", "SRV").additional())).containsExactly("mail.sho.rt. 3600 A 192.0.2.25");
        assertThat(records(dig("sho.rt", "NS").additional())).containsExactlyInAnyOrder("ns1.sho.rt. 3600 A 192.0.2.53",
                "ns2.sho.rt. 3600 A 192.0.2.54", "ns2.sho.rt. 3600 AAAA 2001:db8::54");
    }

    @Test
    void aCnameIsFollowedToTheSteeredApex() {
        Dig.Response r = authoritative(dig("www.sho.rt", "A", "+subnet=10.2.0.0/24"), "NOERROR");
        assertThat(records(r.answer())).containsExactly("www.sho.rt. 3600 CNAME sho.rt.", "sho.rt. 30 A 198.51.100.2");
        assertThat(r.clientSubnet()).isEqualTo("10.2.0.0/24/16");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10.1.0.0/24 | 1 . alpn="h3,h2" ipv4hint=198.51.100.1 ipv6hint=2001:db8::1
            10.2.0.0/24 | 1 . alpn="h3,h2" ipv4hint=198.51.100.2 ipv6hint=2001:db8::2
            10.3.0.0/24 | 1 . alpn="h3,h2" ipv4hint=198.51.100.3
            """)
    void theHttpsRecordOffersH3AndHintsTheSiteOfTheClientsRegion(String subnet, String https) {
        Dig.Response r = authoritative(dig("sho.rt", "HTTPS", "+subnet=" + subnet), "NOERROR");
        assertThat(records(r.answer())).containsExactly("sho.rt. 30 HTTPS " + https);
        assertThat(r.scope()).isEqualTo(16);
    }

    @Test
    void anyGetsTheMinimalRfc8482Answer() {
        Dig.Response r = authoritative(dig("sho.rt", "ANY"), "NOERROR");
        assertThat(records(r.answer())).containsExactly("sho.rt. 60 HINFO \"RFC8482\" \"\"");
        authoritative(dig("nope.sho.rt", "ANY"), "NXDOMAIN");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"nope.sho.rt, A", "x.a.b.deep.sho.rt, A", "nope.sho.rt, MX"})
    void aNameThatDoesNotExistIsNxdomainWithTheSoaForNegativeCaching(String name, String type) {
        Dig.Response r = authoritative(dig(name, type), "NXDOMAIN");
        assertThat(r.answer()).isEmpty();
        assertThat(records(r.authority())).containsExactly("sho.rt. 60 SOA " + SOA); // min(SOA TTL, minimum): RFC 2308
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"mail.sho.rt, MX", "b.deep.sho.rt, A", "deep.sho.rt, TXT", "w.sho.rt, TXT", "sho.rt, SRV"})
    void aNameWithoutTheTypeIsNodataWithTheSoa(String name, String type) {
        Dig.Response r = authoritative(dig(name, type), "NOERROR");
        assertThat(r.answer()).isEmpty();
        assertThat(records(r.authority())).containsExactly("sho.rt. 60 SOA " + SOA);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"example.com A", "notsho.rt A", "sho.rt CH TXT", "version.bind CH TXT"})
    void whatIsNotInTheZoneIsRefusedWithoutAuthority(String question) {
        Dig.Response r = dig(question.split(" "));
        assertThat(r.status()).isEqualTo("REFUSED");
        assertThat(r.flags()).doesNotContain("aa", "ra");
        assertThat(r.answer()).isEmpty();
        assertThat(r.authority()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "10.1.2.0/24, 198.51.100.1, 2001:db8::1",
            "10.2.200.0/24, 198.51.100.2, 2001:db8::2",
            // Sydney has no IPv6: the nearest site that has, Virginia (15,700 km) before Frankfurt (16,500 km)
            "10.3.0.0/24, 198.51.100.3, 2001:db8::2"})
    void geoAndNearestAnswerTheSiteOfTheClientSubnetsRegionWithTheRealScope(String subnet, String v4, String v6) {
        for (String name : List.of("sho.rt", "n.sho.rt")) {
            Dig.Response a = authoritative(dig(name, "A", "+subnet=" + subnet), "NOERROR");
            assertThat(records(a.answer())).containsExactly(name + ". 30 A " + v4);
            assertThat(a.clientSubnet()).as("the option echoed: the client's subnet, scope the /16 that decided")
                    .isEqualTo(subnet + "/16");
            Dig.Response aaaa = authoritative(dig(name, "AAAA", "+subnet=" + subnet), "NOERROR");
            assertThat(records(aaaa.answer())).containsExactly(name + ". 30 AAAA " + v6);
        }
    }

    @Test
    void aGeoAnswerOutsideEveryNetworkIsNeverScopeZero() {
        // a resolver caches a /0 answer for every client, so one client's fallback would be everyone's
        Dig.Response r = authoritative(dig("sho.rt", "A", "+subnet=192.0.2.0/24"), "NOERROR");
        assertThat(r.answer()).hasSize(1);
        assertThat(r.scope()).isPositive();
        Dig.Response none = authoritative(dig("sho.rt", "A"), "NOERROR");
        assertThat(none.clientSubnet()).as("no option asked, none echoed").isNull();
        assertThat(none.answer()).hasSize(1);
    }

    @Test
    void weightedSpreadsByWeightForEveryClientAlikeWithScopeZero() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            args.addAll(List.of("w.sho.rt", "A", "+subnet=10.1.2.0/24"));
        }
        List<Dig.Response> all = Dig.askAll(role.port(), args.toArray(String[]::new));
        assertThat(all).hasSize(60);
        Map<String, Integer> seen = new TreeMap<>();
        for (Dig.Response r : all) {
            authoritative(r, "NOERROR");
            assertThat(r.answer()).hasSize(1);
            assertThat(r.answer().getFirst().ttl()).isEqualTo(20);
            assertThat(r.clientSubnet()).as("the answer does not depend on the client: scope 0").isEqualTo("10.1.2.0/24/0");
            seen.merge(r.answer().getFirst().rdata(), 1, Integer::sum);
        }
        // weights 3:1:1; missing a site in 60 draws has a chance near 1e-6, fra not leading far less
        assertThat(seen).containsOnlyKeys("198.51.100.1", "198.51.100.2", "198.51.100.3");
        assertThat(seen.get("198.51.100.1")).isGreaterThan(Math.max(seen.get("198.51.100.2"), seen.get("198.51.100.3")));
    }

    @Test
    void failoverMovesToTheNextSiteWhenTheFirstFailsItsCheckAndBack() throws InterruptedException {
        try {
            assertThat(records(authoritative(dig("f.sho.rt", "A"), "NOERROR").answer())).containsExactly("f.sho.rt. 10 A 198.51.100.1");
            sites.down("fra");
            awaitAnswer("f.sho.rt", "198.51.100.2");
            sites.down("iad");
            sites.down("syd");
            // every site down: 'strict' (whenAllDown: none) fails, the others answer as if all were up
            Dig.Response strict = await(() -> dig("strict.sho.rt", "A"), r -> r.status().equals("SERVFAIL"), "strict to SERVFAIL");
            assertThat(strict.flags()).doesNotContain("aa", "ra");
            assertThat(authoritative(dig("f.sho.rt", "A"), "NOERROR").data("A")).containsExactly("198.51.100.1");
            sites.up("iad");
            awaitAnswer("strict.sho.rt", "198.51.100.2");
            sites.up("fra");
            awaitAnswer("f.sho.rt", "198.51.100.1");
        } finally {
            List.of("fra", "iad", "syd").forEach(sites::up);
        }
        awaitAnswer("strict.sho.rt", "198.51.100.1");
    }

    static void awaitAnswer(String name, String address) throws InterruptedException {
        await(() -> dig(name, "A"), r -> r.status().equals("NOERROR") && r.data("A").equals(List.of(address)), name + " to " + address);
    }

    /** Asks until {@code done} holds, for up to 10 s (checks every 200 ms, one result decides). */
    static Dig.Response await(java.util.function.Supplier<Dig.Response> ask, Predicate<Dig.Response> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Dig.Response last;
        do {
            last = ask.get();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no change of " + what + " within 10 s; last answer " + last);
    }

    @Test
    void tcpCarriesWhatUdpCannot() {
        Dig.Response tcp = authoritative(dig("big.sho.rt", "TXT", "+tcp"), "NOERROR");
        assertThat(tcp.protocol()).isEqualTo("TCP");
        assertThat(tcp.answer()).hasSize(8);
        assertThat(records(authoritative(dig("mail.sho.rt", "A", "+tcp"), "NOERROR").answer()))
                .containsExactly("mail.sho.rt. 3600 A 192.0.2.25");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"+noedns", "+bufsize=1232", "+bufsize=4096"})
    void aBigAnswerOverUdpIsTruncatedAndDigRetriesOverTcp(String edns) {
        Dig.Response cut = dig("big.sho.rt", "TXT", edns, "+ignore");
        assertThat(cut.protocol()).isEqualTo("UDP");
        assertThat(cut.status()).isEqualTo("NOERROR");
        assertThat(cut.flags()).contains("qr", "aa", "tc");
        assertThat(cut.answer().size()).isLessThan(8);
        if (!edns.equals("+noedns")) {
            assertThat(cut.udp()).isEqualTo(1232); // we offer 1232 whatever the client offers
        }
        Dig.Response retried = authoritative(dig("big.sho.rt", "TXT", edns), "NOERROR");
        assertThat(retried.protocol()).isEqualTo("TCP");
        assertThat(retried.answer()).hasSize(8);
    }

    @Test
    void recursionIsNeverOfferedAndRdIsEchoed() {
        Dig.Response norec = authoritative(dig("mail.sho.rt", "A", "+norec"), "NOERROR");
        assertThat(norec.flags()).doesNotContain("rd");
        Dig.Response rec = authoritative(dig("mail.sho.rt", "A", "+rec"), "NOERROR");
        assertThat(rec.flags()).contains("rd");
    }

    @Test
    void theQueryCaseIsKeptInTheAnswer() {
        Dig.Response r = authoritative(dig("MaIl.ShO.rT", "A"), "NOERROR");
        assertThat(records(r.answer())).containsExactly("MaIl.ShO.rT. 3600 A 192.0.2.25");
        Dig.Response www = authoritative(dig("wWw.SHO.rt", "A", "+subnet=10.1.0.0/24"), "NOERROR");
        // names after the question point back into it (compression), so they take its case too: Knot answers the same
        assertThat(records(www.answer())).containsExactly("wWw.SHO.rt. 3600 CNAME SHO.rt.", "SHO.rt. 30 A 198.51.100.1");
    }

    @Test
    void ednsIsAnsweredWithOurPayloadSizeAndOtherVersionsGetBadvers() {
        assertThat(authoritative(dig("mail.sho.rt", "A"), "NOERROR").udp()).isEqualTo(1232);
        assertThat(authoritative(dig("mail.sho.rt", "A", "+noedns"), "NOERROR").udp()).as("no OPT without EDNS").isEqualTo(-1);
        Dig.Response v1 = dig("mail.sho.rt", "A", "+edns=1", "+noednsneg");
        assertThat(v1.status()).isEqualTo("BADVERS");
        assertThat(v1.answer()).isEmpty();
    }
}
