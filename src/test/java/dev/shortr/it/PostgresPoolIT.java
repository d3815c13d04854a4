package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.auth.ApiKeys;
import dev.shortr.config.ShortrConfig;
import dev.shortr.config.StoreConfig;
import dev.shortr.store.postgres.PgTestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection-pool exhaustion on a real node: a pool of 2, both connections stuck behind a table lock (what a slow
 * query does in production). Every other request waits at most store.poolWait, then gets 503 problem+json with
 * Retry-After; nothing piles up; once the lock goes, the node answers again at once.
 */
class PostgresPoolIT {
    private static final Duration POOL_WAIT = Duration.ofMillis(500);

    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();

    @TempDir
    Path dir;

    private static ShortrConfig onPostgres(ShortrConfig c, StoreConfig store) {
        return new ShortrConfig(c.server(), store, c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(), c.webhooks(), c.tls());
    }

    private long lockWaiters() {
        return pg.single("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + pg.name() + "' AND wait_event_type = 'Lock'");
    }

    @Test
    void anExhaustedPoolAnswers503WithinItsWaitAndRecovers() throws Exception {
        StoreConfig store = new StoreConfig(pg.url(), dir, 2, 512, null, 2, POOL_WAIT, Duration.ofSeconds(20));
        try (TestNode node = TestNode.start(dir, c -> onPostgres(c, store));
             Connection locker = pg.connect();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            node.createLink("abc123", "https://example.com/a", null);
            assertThat(node.admin("GET", "/api/v1/links", null).statusCode()).isEqualTo(200);

            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"); // every API call starts by looking up its key
            }
            Thread.sleep(ApiKeys.TRUST.toMillis() + 100); // once the node no longer trusts the key it checked last
            List<Future<HttpResponse<String>>> stuck = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                stuck.add(pool.submit(() -> node.admin("GET", "/api/v1/links", null)));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (lockWaiters() < 2) {
                assertThat(System.nanoTime()).as("two requests holding both connections behind the lock").isLessThan(deadline);
                Thread.sleep(20);
            }

            long start = System.nanoTime();
            List<Future<HttpResponse<String>>> turnedAway = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                turnedAway.add(pool.submit(() -> node.admin("GET", "/api/v1/links", null)));
            }
            turnedAway.add(pool.submit(() -> node.get("/zzz999", "accept", "application/json"))); // a redirect cache miss
            for (Future<HttpResponse<String>> f : turnedAway) {
                HttpResponse<String> r = f.get();
                JsonNode p = TestNode.assertProblem(r, 503, "store-unavailable");
                assertThat(p.get("detail").asText()).contains("retry");
                assertThat(r.headers().firstValue("retry-after")).hasValue("2");
            }
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMs).as("21 requests, each waiting at most store.poolWait (%d ms) side by side", POOL_WAIT.toMillis())
                    .isBetween(POOL_WAIT.toMillis() - 50, POOL_WAIT.toMillis() + 2_500);
            assertThat(stuck).as("still waiting for the lock").noneMatch(Future::isDone);

            locker.rollback();
            for (Future<HttpResponse<String>> f : stuck) {
                assertThat(f.get().statusCode()).as("the two held back finish once the lock goes").isEqualTo(200);
            }
            long after = System.nanoTime();
            assertThat(node.admin("GET", "/api/v1/links", null).statusCode()).isEqualTo(200);
            assertThat(node.get("/zzz999").statusCode()).isEqualTo(404);
            assertThat(node.get("/abc123").statusCode()).isEqualTo(302);
            assertThat((System.nanoTime() - after) / 1_000_000).as("recovered at once").isLessThan(2_000L);
        }
    }
}
