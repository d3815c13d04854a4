package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shortr.app.Node;
import dev.shortr.config.ShortrConfig;
import dev.shortr.store.postgres.PgTestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two nodes on one PostgreSQL database and no Redis: each reads the store's change feed every
 * {@code redis.fallbackCacheTtl} (1 s), so an edit, a delete or a create made through node A is served by node B,
 * whose redirect cache held the old answer, within that bound (and a little). A node on SQLite reads no feed.
 */
class PostgresNodesWithoutRedisIT {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    /** redis.fallbackCacheTtl's default, plus a request's worth and a slow machine's scheduling. */
    private static final Duration BOUND = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    @BeforeEach
    void empty() {
        pg.truncate(); // the class shares one database: each test's first node mints the first key
    }

    private ShortrConfig onPostgres(Path data) {
        ShortrConfig c = TestNode.config(data);
        return new ShortrConfig(c.server(), pg.config(data), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(),
                c.webhooks(), c.tls(), c.redis());
    }

    private static String answer(TestNode n, String code) {
        HttpResponse<String> r = n.get("/" + code);
        return r.statusCode() == 302 ? r.headers().firstValue("location").orElseThrow() : Integer.toString(r.statusCode());
    }

    /** Asks {@code n} for {@code code} until it answers {@code expected}; returns how long that took, in ms. */
    private static long served(TestNode n, String code, String expected) throws InterruptedException {
        long start = System.nanoTime();
        String got;
        while (!(got = answer(n, code)).equals(expected)) {
            if (System.nanoTime() - start > BOUND.toNanos()) {
                throw new AssertionError("node B still answers " + got + " for /" + code + ", not " + expected + ", "
                        + BOUND.toMillis() + " ms after the change on node A");
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aChangeOnOneNodeIsServedByTheOtherWithinTheFallbackTtl() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger nodeLog = (Logger) LoggerFactory.getLogger(Node.class);
        logged.start();
        nodeLog.addAppender(logged);
        try (TestNode a = TestNode.start(onPostgres(dir.resolve("a")), null);
             TestNode b = TestNode.start(onPostgres(dir.resolve("b")), a.adminKey())) {
            nodeLog.detachAppender(logged);
            assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains("redis.fallbackCacheTtl (PT1S)"))
                    .as("each node says once how stale its cache may get").hasSize(2);

            a.createLink("pg0001", "https://example.com/v0", null);
            assertThat(answer(b, "pg0001")).isEqualTo("https://example.com/v0");
            List<Long> lags = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                assertThat(answer(b, "pg0001")).as("B holds the old target before edit %d", i).isEqualTo("https://example.com/v" + (i - 1));
                assertThat(a.admin("PATCH", "/api/v1/links/pg0001", "{\"url\":\"https://example.com/v" + i + "\"}").statusCode())
                        .isEqualTo(200);
                lags.add(served(b, "pg0001", "https://example.com/v" + i));
            }
            Collections.sort(lags);
            System.out.printf("invalidation lag A -> B through the change feed, no Redis: %s ms%n", lags);
            assertThat(b.metric("shortr_redirect_cache_hits_total")).as("B answered from its cache between edits").isGreaterThan(5);

            // a delete, and a code B remembers as unknown that A then creates
            assertThat(a.admin("DELETE", "/api/v1/links/pg0001", null).statusCode()).isEqualTo(204);
            served(b, "pg0001", "410");
            assertThat(answer(b, "pg0002")).isEqualTo("404");
            a.createLink("pg0002", "https://example.com/two", null);
            served(b, "pg0002", "https://example.com/two");
            assertThat(b.metric("shortr_redirect_cache_feed_reads_total")).isPositive();
        } finally {
            nodeLog.detachAppender(logged);
        }
    }

    /** A key is trusted for ApiKeys.TRUST once checked: revoked on A, it stops on A at once and on B within that. */
    @Test
    void aKeyRevokedOnOneNodeStopsOnTheOtherWithinASecond() throws Exception {
        try (TestNode a = TestNode.start(onPostgres(dir.resolve("a")), null);
             TestNode b = TestNode.start(onPostgres(dir.resolve("b")), a.adminKey())) {
            String key = a.mintKey("ci", "links:read");
            String id = key.substring(3, 11);
            assertThat(b.api("GET", "/api/v1/links", key, null).statusCode()).as("a new key works on B at once").isEqualTo(200);
            assertThat(a.api("GET", "/api/v1/links", key, null).statusCode()).isEqualTo(200);

            assertThat(a.admin("DELETE", "/api/v1/keys/" + id, null).statusCode()).isEqualTo(204);
            long revoked = System.nanoTime();

            assertThat(a.api("GET", "/api/v1/links", key, null).statusCode()).as("on the node that revoked it, at once").isEqualTo(401);
            while (b.api("GET", "/api/v1/links", key, null).statusCode() != 401) {
                assertThat(System.nanoTime() - revoked).as("ns until B refuses the revoked key").isLessThan(BOUND.toNanos());
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aNodeOnSqliteReadsNoFeed() {
        try (TestNode alone = TestNode.start(dir.resolve("alone"))) {
            assertThat(alone.metric("shortr_redirect_cache_feed_reads_total")).isNaN();
        }
    }
}
