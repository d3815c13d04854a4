package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.AnalyticsConfig;
import dev.shortr.config.ClicksConfig;
import dev.shortr.config.ShortrConfig;
import dev.shortr.enrich.GeoLookup;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analytics end to end: synthetic traffic with a known mix of agents, referrers, addresses and HEADs goes
 * through real HTTP, and the stats API must give back exactly those counts.
 */
class AnalyticsIT {
    static final String CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/17.0 Mobile/15E148 Safari/604.1";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String SLACKBOT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";
    static final String UPTIMEROBOT = "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)";
    static final String[] AGENTS = {CHROME_WINDOWS, IPHONE, GOOGLEBOT, SLACKBOT, UPTIMEROBOT};
    static final String[] REFERRERS = {"https://news.example/story?id=1", "https://www.social.example/feed", null};
    static final String[] IPS = {"193.0.0.1", "202.12.27.33", "8.8.8.8"};
    static final Path GEO = Path.of(System.getProperty("user.home"), ".cache", "shortr", "geo", "geo-whois-asn-country.mmdb");

    @TempDir
    static Path data;
    static TestNode node;

    @BeforeAll
    static void start() {
        String geo = Files.isRegularFile(GEO) ? GEO.toString() : "none";
        if (geo.equals("none")) {
            System.err.println("AnalyticsIT: no GeoIP database at " + GEO + " (scripts/geo.sh fetches it): country counts are not checked");
        }
        node = TestNode.start(data, c -> new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(),
                new ClicksConfig(true, 1 << 18, Duration.ofMillis(50), 50_000,
                        new AnalyticsConfig(true, "anonymised", true, false, 30, true, geo, Duration.ofMillis(50))),
                c.auth(), c.rateLimit(), c.webhooks(), c.tls()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String request(String method, String code, String agent, String referrer, String ip, boolean dnt) {
        StringBuilder b = new StringBuilder(method).append(" /").append(code).append(" HTTP/1.1\r\nHost: sho.rt\r\n");
        b.append("User-Agent: ").append(agent).append("\r\n");
        if (referrer != null) {
            b.append("Referer: ").append(referrer).append("\r\n");
        }
        if (dnt) {
            b.append("DNT: 1\r\n");
        }
        return b.append("X-Forwarded-For: ").append(ip).append(", 10.0.0.1\r\n\r\n").toString();
    }

    /** Sends the requests pipelined, in batches, and checks every answer is a redirect. */
    private static void send(String[] requests) {
        try (RawHttp c = new RawHttp(node.port())) {
            for (int from = 0; from < requests.length; from += 500) {
                int to = Math.min(requests.length, from + 500);
                StringBuilder batch = new StringBuilder();
                for (int i = from; i < to; i++) {
                    batch.append(requests[i]);
                }
                c.write(batch.toString().getBytes(StandardCharsets.ISO_8859_1));
                for (int i = from; i < to; i++) {
                    assertThat(c.read(requests[i].startsWith("HEAD")).status()).isEqualTo(302);
                }
            }
        }
    }

    private static JsonNode awaitTotals(String path, long clicks) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode last;
        do {
            HttpResponse<String> r = node.admin("GET", path, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            last = TestNode.parse(r.body());
            if (last.get("totals").get("clicks").asLong() == clicks) {
                Thread.sleep(200); // a flush writes totals, then analytics: let the last one land
                return TestNode.parse(node.admin("GET", path, null).body());
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("stats never reached " + clicks + " clicks: " + last);
    }

    private static long top(JsonNode stats, String list, String value) {
        for (JsonNode e : stats.get("top").get(list)) {
            if (e.get("value").asText().equals(value)) {
                return e.get("clicks").asLong();
            }
        }
        return 0;
    }

    @Test
    void aKnownMixOfTrafficComesBackExactly() throws Exception {
        node.createLink("mix001", "https://example.com/mix", null);
        int n = 20_000;
        String[] requests = new String[n];
        long[] byAgent = new long[AGENTS.length];
        long[] byReferrer = new long[REFERRERS.length];
        Map<String, Long> byCountry = new HashMap<>();
        long gets = 0;
        long heads = 0;
        long privateGets = 0;
        GeoLookup geo = Files.isRegularFile(GEO) ? GeoLookup.open(GEO) : GeoLookup.none();
        for (int i = 0; i < n; i++) {
            int a = i % AGENTS.length;
            int r = i % REFERRERS.length;
            int ip = (i / REFERRERS.length) % IPS.length;
            boolean head = i % 11 == 0;
            boolean dnt = !head && i % 13 == 0;
            requests[i] = request(head ? "HEAD" : "GET", "mix001", AGENTS[a], REFERRERS[r], IPS[ip], dnt);
            if (head) {
                heads++;
                continue;
            }
            gets++;
            if (dnt) {
                privateGets++;
                continue; // counted, classified, but no referrer, place or agent details
            }
            byAgent[a]++;
            byReferrer[r]++;
            String country = geo.locate(InetAddress.getByName(IPS[ip])).country();
            if (country != null) {
                byCountry.merge(country, 1L, Long::sum);
            }
        }
        send(requests);

        JsonNode s = awaitTotals("/api/v1/links/mix001/stats?top=20", gets);
        JsonNode t = s.get("totals");
        long bots = 0;
        for (int i = 0; i < n; i++) {
            if (i % 11 != 0 && i % AGENTS.length >= 2) {
                bots++;
            }
        }
        assertThat(t.get("clicks").asLong()).isEqualTo(gets);
        assertThat(t.get("bots").asLong()).as("crawlers, previews and monitors").isEqualTo(bots);
        assertThat(t.get("humans").asLong()).isEqualTo(gets - bots);
        assertThat(t.get("heads").asLong()).as("HEADs apart").isEqualTo(heads);
        assertThat(s.get("clicks").asLong()).as("all-time clicks never include HEADs").isEqualTo(gets);

        assertThat(top(s, "browsers", "Chrome")).isEqualTo(byAgent[0]);
        assertThat(top(s, "os", "Windows")).isEqualTo(byAgent[0]);
        assertThat(top(s, "os", "iOS")).isEqualTo(byAgent[1]);
        assertThat(top(s, "devices", "desktop")).isEqualTo(byAgent[0]);
        assertThat(top(s, "devices", "mobile")).isEqualTo(byAgent[1]);
        assertThat(top(s, "devices", "bot")).isEqualTo(byAgent[2] + byAgent[3] + byAgent[4]);
        // the bot kind is kept even for visitors who ask not to be tracked: classifying an agent tracks nobody
        long[] privateByAgent = new long[AGENTS.length];
        for (int i = 0; i < n; i++) {
            if (i % 11 != 0 && i % 13 == 0) {
                privateByAgent[i % AGENTS.length]++;
            }
        }
        assertThat(top(s, "bots", "crawler")).isEqualTo(byAgent[2] + privateByAgent[2]);
        assertThat(top(s, "bots", "preview")).isEqualTo(byAgent[3] + privateByAgent[3]);
        assertThat(top(s, "bots", "monitor")).isEqualTo(byAgent[4] + privateByAgent[4]);
        assertThat(top(s, "referrers", "news.example")).isEqualTo(byReferrer[0]);
        assertThat(top(s, "referrers", "www.social.example")).isEqualTo(byReferrer[1]);
        for (Map.Entry<String, Long> c : byCountry.entrySet()) {
            assertThat(top(s, "countries", c.getKey())).as("country %s", c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(t.get("uniques").asLong()).as("2 human agents from 3 addresses").isEqualTo(6);
        assertThat(privateGets).isPositive();

        HttpResponse<String> csv = node.admin("GET", "/api/v1/links/mix001/visits?format=csv", null);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body().lines().count()).as("a header, then one line per GET and HEAD").isEqualTo(1 + gets + heads);
        assertThat(csv.body()).contains("193.0.0.0").doesNotContain("193.0.0.1,");
        HttpResponse<String> nd = node.admin("GET", "/api/v1/links/mix001/visits?format=ndjson", null);
        assertThat(nd.body().lines().count()).isEqualTo(gets + heads);
        assertThat(TestNode.parse(nd.body().lines().findFirst().orElseThrow()).get("code").asText()).isEqualTo("mix001");
    }

    @Test
    void uniquesAreWithinTwoPercentForAHundredThousandVisitors() throws Exception {
        node.createLink("uni100", "https://example.com/uniques", null);
        int n = 100_000;
        String[] requests = new String[n];
        for (int i = 0; i < n; i++) {
            String ip = "10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255);
            requests[i] = request("GET", "uni100", CHROME_WINDOWS, null, ip, false);
        }
        send(requests);
        long uniques = awaitTotals("/api/v1/links/uni100/stats", n).get("totals").get("uniques").asLong();
        assertThat((double) uniques).as("estimate of %d distinct visitors", n).isBetween(n * 0.98, n * 1.02);
        HttpResponse<String> csv = node.admin("GET", "/api/v1/links/uni100/visits", null);
        assertThat(csv.headers().firstValue("transfer-encoding")).as("streamed").hasValue("chunked");
        assertThat(csv.body().lines().count()).as("a header and every visit, over many chunks").isEqualTo(n + 1);
    }

    @Test
    void anUntrackedLinkCountsClicksAndBotsButRecordsNoVisitor() throws Exception {
        assertThat(TestNode.parse(node.admin("POST", "/api/v1/links",
                "{\"url\": \"https://example.com/quiet\", \"code\": \"quiet1\", \"track\": false}").body())
                .get("track").asBoolean()).isFalse();
        String[] requests = new String[30];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = request("GET", "quiet1", AGENTS[i % 3], REFERRERS[0], IPS[i % 3], false);
        }
        send(requests);
        JsonNode s = awaitTotals("/api/v1/links/quiet1/stats", 30);
        assertThat(s.get("totals").get("bots").asLong()).as("agents are still told apart").isEqualTo(10);
        assertThat(s.get("totals").get("uniques").asLong()).as("no visitor hashes").isZero();
        assertThat(s.get("top").get("referrers")).as("no referrers").isEmpty();
        assertThat(s.get("top").get("browsers")).as("no agents").isEmpty();
        String csv = node.admin("GET", "/api/v1/links/quiet1/visits", null).body();
        assertThat(csv.lines().skip(1)).hasSize(30).allSatisfy(line -> assertThat(line).endsWith(",false,false"));

        // switching tracking on again takes effect for the next clicks
        assertThat(node.admin("PATCH", "/api/v1/links/quiet1", "{\"track\": true}").statusCode()).isEqualTo(200);
        send(new String[] {request("GET", "quiet1", CHROME_WINDOWS, REFERRERS[0], IPS[0], false)});
        JsonNode after = awaitTotals("/api/v1/links/quiet1/stats", 31);
        assertThat(top(after, "referrers", "news.example")).isEqualTo(1);
    }

    @Test
    void badStatsQueriesAreClear4xx() {
        node.createLink("bad001", "https://example.com/bad", null);
        for (String q : new String[] {"from=2026-02-01&to=2026-01-01", "from=yesterday", "tz=Mars/Olympus", "granularity=week",
                "top=0", "top=x", "from=2020-01-01&to=2026-01-01", "granularity=hour&from=2026-01-01&to=2026-03-01"}) {
            HttpResponse<String> r = node.admin("GET", "/api/v1/links/bad001/stats?" + q, null);
            assertThat(r.statusCode()).as(q + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).contains("problem+json"));
        }
        assertThat(node.admin("GET", "/api/v1/links/bad001/visits?format=xml", null).statusCode()).isEqualTo(400);
        assertThat(node.admin("GET", "/api/v1/stats?tz=Europe/Paris&granularity=month", null).statusCode()).isEqualTo(200);
    }

    @Test
    void garbageAgentsHugeReferrersAndBadForwardedForAreCountedSafely() throws Exception {
        node.createLink("odd001", "https://example.com/odd", null);
        String[] requests = {
                request("GET", "odd001", "\u00ff\u00fe garbage ((((( ;;;", "https://" + "x".repeat(6000) + ".example/", "not-an-ip", false),
                request("GET", "odd001", "x".repeat(4000), "javascript:alert(1)", "999.1.1.1", false),
                request("GET", "odd001", "", "::::", "[::1]", false),
        };
        send(requests);
        JsonNode t = awaitTotals("/api/v1/links/odd001/stats", 3).get("totals");
        assertThat(t.get("clicks").asLong()).isEqualTo(3);
    }
}
