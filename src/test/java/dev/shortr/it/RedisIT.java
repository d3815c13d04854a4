package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shortr.app.Stores;
import dev.shortr.config.RateLimitConfig;
import dev.shortr.config.RedisConfig;
import dev.shortr.config.ShortrConfig;
import dev.shortr.redis.Redis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two real nodes on one store (as nodes share PostgreSQL) and one real Redis (the test's own): an edit made through
 * node A's API is served by node B within a second, the API's rate limits are one budget across both, and when Redis
 * stops each node falls back (its own buckets, the change feed every {@code redis.fallbackCacheTtl}), says so once
 * in its log and in its metrics, and comes back when Redis does. The nodes read the change feed only hourly while
 * Redis is up, so every edit that shows within a second there came over pub/sub.
 */
class RedisIT {
    @TempDir
    static Path dir;
    static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    /** Two nodes on one store and one Redis; closing closes both, then the store. */
    record Pair(Stores stores, TestNode a, TestNode b) implements AutoCloseable {
        static Pair start(Path data, RedisServer redis, long perKey) {
            ShortrConfig c = TestNode.config(data);
            ShortrConfig config = new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(),
                    new RateLimitConfig(true, perKey, 12_000, 30), c.webhooks(), c.tls(),
                    new RedisConfig(redis.url(), null, Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
                            Duration.ofHours(1)));
            Stores stores = Stores.open(config.store());
            TestNode a = TestNode.startOn(stores, config, null);
            TestNode b = TestNode.startOn(stores, config, a.adminKey());
            return new Pair(stores, a, b);
        }

        @Override
        public void close() throws Exception {
            a.close();
            b.close();
            stores.close();
        }
    }

    private static String location(TestNode n, String code) {
        HttpResponse<String> r = n.get("/" + code);
        return r.statusCode() == 302 ? r.headers().firstValue("location").orElseThrow() : Integer.toString(r.statusCode());
    }

    private static void patch(TestNode n, String code, String json) {
        HttpResponse<String> r = n.admin("PATCH", "/api/v1/links/" + code, json);
        assertThat(r.statusCode()).as("PATCH %s -> %s", code, r.body()).isEqualTo(200);
    }

    /** Asks {@code n} for {@code code} until it answers {@code expected}; returns how long that took, in ms. */
    private static double served(TestNode n, String code, String expected, Duration within) {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        String got;
        while (!(got = location(n, code)).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node B still answers " + got + " for /" + code + ", not " + expected + ", "
                        + within.toMillis() + " ms after the edit on node A");
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    @Test
    void anEditOnOneNodeIsServedByTheOtherWithinASecond() throws Exception {
        try (Pair p = Pair.start(dir.resolve("fanout"), redis, 6000)) {
            p.a().createLink("fan001", "https://example.com/v0", null);
            assertThat(location(p.b(), "fan001")).isEqualTo("https://example.com/v0");

            List<Double> lags = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                assertThat(location(p.b(), "fan001")).as("B holds the old target before edit %d", i)
                        .isEqualTo("https://example.com/v" + (i - 1));
                patch(p.a(), "fan001", "{\"url\":\"https://example.com/v" + i + "\"}");
                lags.add(served(p.b(), "fan001", "https://example.com/v" + i, Duration.ofSeconds(1)));
            }
            Collections.sort(lags);
            System.out.printf("invalidation lag A -> B over Redis, %d edits: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    lags.size(), percentile(lags, 0.50), percentile(lags, 0.99), lags.getLast());
            assertThat(percentile(lags, 0.99)).as("p99 lag, ms").isLessThan(1000);
            assertThat(p.b().metric("shortr_redirect_cache_hits_total")).as("B answered from its cache between edits")
                    .isGreaterThanOrEqualTo(200);
            assertThat(p.b().metric("shortr_redirect_cache_invalidations_total{source=\"peer\"}"))
                    .as("every edit was heard over Redis").isGreaterThanOrEqualTo(200);
            assertThat(p.a().metric("shortr_redis_changes_published_total")).isGreaterThanOrEqualTo(201);

            // a delete, a disabled link, and a code B remembers as unknown that A then creates
            p.a().createLink("fan002", "https://example.com/two", null);
            assertThat(location(p.b(), "fan002")).isEqualTo("https://example.com/two");
            assertThat(p.a().admin("DELETE", "/api/v1/links/fan002", null).statusCode()).isEqualTo(204);
            served(p.b(), "fan002", "410", Duration.ofSeconds(1));
            patch(p.a(), "fan001", "{\"disabled\":true}");
            served(p.b(), "fan001", "410", Duration.ofSeconds(1));
            assertThat(location(p.b(), "fan003")).as("remembered as unknown for redirect.negativeTtl (5 s)").isEqualTo("404");
            p.a().createLink("fan003", "https://example.com/three", null);
            served(p.b(), "fan003", "https://example.com/three", Duration.ofSeconds(1));
        }
    }

    @Test
    void theNodesShareOneRateLimit() throws Exception {
        try (Pair p = Pair.start(dir.resolve("limits"), redis, 10)) {
            for (int i = 0; i < 6; i++) {
                assertThat(p.a().admin("GET", "/api/v1/links", null).statusCode()).as("call %d on A", i + 1).isEqualTo(200);
            }
            HttpResponse<String> first = p.b().admin("GET", "/api/v1/links", null);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("ratelimit-remaining")).as("B counts what A took").hasValue("3");
            for (int i = 0; i < 3; i++) {
                assertThat(p.b().admin("GET", "/api/v1/links", null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> refused = p.a().admin("GET", "/api/v1/links", null);
            TestNode.assertProblem(refused, 429, "rate-limited");
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
            TestNode.assertProblem(p.b().admin("GET", "/api/v1/links", null), 429, "rate-limited");
            assertThat(p.a().metric("shortr_ratelimit_fallback_total")).isZero();
            assertThat(p.a().metric("shortr_redis_up")).isEqualTo(1);
        }
    }

    @Test
    void whenRedisStopsEachNodeFallsBackSaysSoOnceAndComesBackWithIt() throws Exception {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger redisLog = (Logger) LoggerFactory.getLogger(Redis.class);
        logged.start();
        try (RedisServer own = RedisServer.start(dir.resolve("own-redis")); Pair p = Pair.start(dir.resolve("stop"), own, 10)) {
            redisLog.addAppender(logged);
            p.a().createLink("stop01", "https://example.com/v1", null);
            String reader = p.a().mintKey("reader", "links:read");
            assertThat(location(p.b(), "stop01")).isEqualTo("https://example.com/v1");

            own.kill();
            for (TestNode n : List.of(p.a(), p.b())) {
                await("shortr_redis_up 0", Duration.ofSeconds(2), () -> n.metric("shortr_redis_up") == 0);
                assertThat(n.metric("shortr_redirect_cache_fallback")).isEqualTo(1);
            }

            // the fallback TTL: B reads the change feed every second, so each of A's edits shows within about that
            List<Double> lags = new ArrayList<>();
            for (int v = 2; v <= 5; v++) {
                assertThat(location(p.b(), "stop01")).as("B holds v%d", v - 1).isEqualTo("https://example.com/v" + (v - 1));
                patch(p.a(), "stop01", "{\"url\":\"https://example.com/v" + v + "\"}");
                lags.add(served(p.b(), "stop01", "https://example.com/v" + v, Duration.ofSeconds(3)));
            }
            System.out.printf("invalidation lag A -> B with Redis down (fallbackCacheTtl 1 s), ms: %s%n", lags);
            assertThat(lags).as("ms: within redis.fallbackCacheTtl, with room for a loaded machine")
                    .allSatisfy(lag -> assertThat(lag).isLessThan(1500));
            assertThat(lags).as("B did serve its cached, stale answer for a while: the feed, not a miss, brought each edit")
                    .anySatisfy(lag -> assertThat(lag).isGreaterThan(50));
            assertThat(p.b().metric("shortr_redirect_cache_invalidations_total{source=\"feed\"}")).isGreaterThanOrEqualTo(4);

            // rate limits: each node's own buckets, so each lets the key make its 10 calls a minute
            for (TestNode n : List.of(p.a(), p.b())) {
                for (int i = 0; i < 10; i++) {
                    assertThat(n.api("GET", "/api/v1/links", reader, null).statusCode()).as("call %d", i + 1).isEqualTo(200);
                }
                TestNode.assertProblem(n.api("GET", "/api/v1/links", reader, null), 429, "rate-limited");
                assertThat(n.metric("shortr_ratelimit_fallback_total")).isGreaterThanOrEqualTo(11);
            }

            Thread.sleep(1000); // health pings keep failing meanwhile
            assertThat(logged.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage))
                    .as("one warning per node for the whole outage").hasSize(2)
                    .allSatisfy(m -> assertThat(m).contains("is down", "rate limits fall back", "every 1000 ms"));
            assertThat(p.a().metric("shortr_redis_downs_total")).isEqualTo(1);

            own.startAgain();
            for (TestNode n : List.of(p.a(), p.b())) {
                await("shortr_redis_up 1 after the restart", Duration.ofSeconds(5), () -> n.metric("shortr_redis_up") == 1);
                assertThat(n.metric("shortr_redirect_cache_fallback")).isZero();
            }
            assertThat(logged.list.stream().filter(e -> e.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage))
                    .as("one line per node on recovery").hasSize(2).allSatisfy(m -> assertThat(m).contains("is back"));

            // pub/sub again (resubscribed after the reconnect): well within the second, and not by the hourly feed read
            assertThat(location(p.b(), "stop01")).isEqualTo("https://example.com/v5");
            patch(p.a(), "stop01", "{\"url\":\"https://example.com/v6\"}");
            served(p.b(), "stop01", "https://example.com/v6", Duration.ofSeconds(1));
            // and one shared budget again (the restarted Redis is empty: 10 calls for both nodes together)
            for (int i = 0; i < 10; i++) {
                assertThat((i % 2 == 0 ? p.a() : p.b()).api("GET", "/api/v1/links", reader, null).statusCode()).isEqualTo(200);
            }
            TestNode.assertProblem(p.a().api("GET", "/api/v1/links", reader, null), 429, "rate-limited");
        } finally {
            redisLog.detachAppender(logged);
        }
    }
}
