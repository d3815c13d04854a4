package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.AnalyticsConfig;
import dev.shortr.config.ClicksConfig;
import dev.shortr.config.ShortrConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clicks.analytics: false}: clicks are counted, and nothing else about them is kept. */
class AnalyticsOffIT {
    @TempDir
    static Path data;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(data, c -> new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(),
                new ClicksConfig(true, 1 << 16, Duration.ofMillis(50), 50_000,
                        new AnalyticsConfig(true, "full", false, true, 30, true, "none", Duration.ofMillis(50), false)),
                c.auth(), c.rateLimit(), c.webhooks(), c.tls()));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void clicksAreCountedButNoSeriesTopListsUniquesOrVisitsAreRecorded() throws Exception {
        node.createLink("only01", "https://example.com/counted", null);
        int n = 300;
        try (RawHttp c = new RawHttp(node.port())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                batch.append("GET /only01 HTTP/1.1\r\nHost: sho.rt\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0) Chrome/120.0\r\n")
                        .append("Referer: https://news.example/a\r\nX-Forwarded-For: 81.2.69.").append(i % 200).append("\r\n\r\n");
            }
            c.write(batch.toString().getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < n; i++) {
                assertThat(c.read(false).status()).isEqualTo(302);
            }
        }
        JsonNode stats = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            stats = TestNode.parse(node.admin("GET", "/api/v1/links/only01/stats", null).body());
            if (stats.get("clicks").asLong() == n) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(stats.get("clicks").asLong()).as("all-time clicks are counted").isEqualTo(n);
        Thread.sleep(300); // several flush and counter intervals: anything recorded would be there by now
        stats = TestNode.parse(node.admin("GET", "/api/v1/links/only01/stats", null).body());
        JsonNode totals = stats.get("totals");
        assertThat(totals.get("clicks").asLong()).as("no hourly counters").isZero();
        assertThat(totals.get("uniques").asLong()).as("no uniques").isZero();
        stats.get("top").forEach(list -> assertThat(list).as("no top lists").isEmpty());
        String csv = node.admin("GET", "/api/v1/links/only01/visits?format=csv", null).body();
        assertThat(csv.lines().count()).as("a header and no visits").isEqualTo(1);
    }
}
