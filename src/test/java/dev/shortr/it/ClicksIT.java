package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.ClicksConfig;
import dev.shortr.config.ShortrConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Clicks as the link owner sees them in stats and the operator in /metrics. */
class ClicksIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @Test
    void everyGetIsCountedButHeadsAndUnknownCodesAreNot() throws InterruptedException {
        node.createLink("clk037", "https://example.com/counted", null);
        double acceptedBefore = node.metric("shortr_clicks_accepted_total");

        for (int i = 0; i < 37; i++) {
            assertThat(node.get("/clk037").statusCode()).isEqualTo(302);
            if (i % 7 == 0) {
                assertThat(node.head("/clk037").statusCode()).isEqualTo(302);
                assertThat(node.get("/clk404").statusCode()).isEqualTo(404);
            }
        }

        JsonNode stats = awaitClicks(node, "clk037", 37);
        Thread.sleep(300); // several flush intervals: anything miscounted would show up now
        stats = stats(node, "clk037");
        assertThat(stats.get("clicks").asLong()).as("HEADs and 404s must not add clicks: %s", stats).isEqualTo(37);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(stats.get("daily")).as("daily series %s", stats.get("daily")).anySatisfy(d -> {
            assertThat(d.get("day").asText()).isEqualTo(today);
            assertThat(d.get("clicks").asLong()).isEqualTo(37);
        });

        assertThat(stats.get("totals").get("clicks").asLong()).as("range totals %s", stats.get("totals")).isEqualTo(37);
        assertThat(stats.get("totals").get("heads").asLong()).as("HEADs are counted apart").isEqualTo(6);
        assertThat(node.metric("shortr_clicks_accepted_total") - acceptedBefore)
                .as("events accepted into the queue by these requests: 37 GETs and 6 HEADs").isEqualTo(43);
        assertThat(node.metric("shortr_clicks_dropped_total")).as("dropped clicks").isZero();
    }

    @Test
    void clicksRefusedWithGoneAreNotCounted() {
        node.createLink("clk002", "https://example.com/twice", "\"maxClicks\": 2");
        int[] statuses = new int[4];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = node.get("/clk002").statusCode();
        }
        assertThat(statuses).containsExactly(302, 302, 410, 410);
        awaitClicks(node, "clk002", 2);
    }

    @Test
    void statsRefuseABackwardsRange() {
        node.createLink("rng001", "https://example.com/range", null);
        TestNode.assertProblem(node.admin("GET", "/api/v1/links/rng001/stats?from=2030-01-02&to=2030-01-01", null), 400, "invalid-field");
        TestNode.assertProblem(node.admin("GET", "/api/v1/links/rng001/stats?from=last-week", null), 400, "invalid-field");
    }

    @Test
    void statsOfAnUnknownLinkIs404() {
        TestNode.assertProblem(node.admin("GET", "/api/v1/links/nostat/stats", null), 404, "link-not-found");
    }

    @Test
    void gracefulShutdownFlushesClicksStillWaitingInMemory(@TempDir Path dir) {
        // a flush interval far longer than the test: only the shutdown flush can have stored these clicks
        ShortrConfig slow = TestNode.config(dir);
        slow = new ShortrConfig(slow.server(), slow.store(), slow.links(), slow.redirect(),
                new ClicksConfig(true, 65_536, Duration.ofSeconds(30), 50_000), slow.auth(), slow.rateLimit(),
                slow.webhooks(), slow.tls());
        TestNode first = TestNode.start(slow, null);
        String adminKey = first.adminKey();
        long shutdownMs;
        try {
            first.createLink("ghi789", "https://example.com/flushed", null);
            for (int i = 0; i < 25; i++) {
                assertThat(first.get("/ghi789").statusCode()).isEqualTo(302);
                if (i % 5 == 0) {
                    assertThat(first.head("/ghi789").statusCode()).isEqualTo(302);
                }
            }
            assertThat(stats(first, "ghi789").get("clicks").asLong()).as("nothing flushed before shutdown").isZero();
            assertThat(stats(first, "ghi789").get("totals").get("heads").asLong()).as("no analytics flushed either").isZero();
        } finally {
            long started = System.nanoTime();
            first.close();
            shutdownMs = (System.nanoTime() - started) / 1_000_000;
        }

        SoftAssertions soft = new SoftAssertions();
        try (TestNode second = TestNode.start(TestNode.config(dir), adminKey)) {
            JsonNode after = stats(second, "ghi789");
            soft.assertThat(after.get("clicks").asLong()).as("clicks after a graceful restart").isEqualTo(25);
            soft.assertThat(after.get("totals").get("clicks").asLong()).as("analytics clicks after a graceful restart").isEqualTo(25);
            soft.assertThat(after.get("totals").get("heads").asLong()).as("HEADs after a graceful restart").isEqualTo(5);
            soft.assertThat(after.get("totals").get("uniques").asLong()).as("one visitor: this test's address and agent").isEqualTo(1);
            soft.assertThat(second.admin("GET", "/api/v1/links/ghi789/visits", null).body().lines().count())
                    .as("the visit log: a header and 30 visits").isEqualTo(31);
        }
        soft.assertThat(shutdownMs).as("graceful shutdown with no request in flight should not wait for the next flush tick (took %d ms)",
                shutdownMs).isLessThan(5_000);
        soft.assertAll();
    }

    static JsonNode stats(TestNode n, String code) {
        HttpResponse<String> r = n.admin("GET", "/api/v1/links/" + code + "/stats", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.parse(r.body());
    }

    /** Polls stats until {@code clicks} reaches {@code expected}; fails after 5 s with the last answer. */
    static JsonNode awaitClicks(TestNode n, String code, long expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode last;
        do {
            last = stats(n, code);
            if (last.get("clicks").asLong() == expected) {
                return last;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + expected + " clicks on " + code + " within 5 s; stats say " + last);
    }
}
