package dev.shortr.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shortr.config.RedisConfig;
import dev.shortr.it.RedisServer;
import io.github.bucket4j.ConsumptionProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Two nodes' Redis connections to one real Redis (the test's own, which it kills, freezes and restarts): one rate
 * limit shared by both, and what a node does when Redis dies, hangs, or is not there yet.
 */
class RedisBucketsIT {
    @TempDir
    Path dir;
    private RedisServer server;
    private final List<Redis> opened = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger redisLog = (Logger) LoggerFactory.getLogger(Redis.class);

    @BeforeEach
    void start() throws Exception {
        server = RedisServer.start(dir.resolve("redis"));
        logged.start();
        redisLog.addAppender(logged);
    }

    @AfterEach
    void stop() throws Exception {
        redisLog.detachAppender(logged);
        opened.forEach(Redis::close);
        server.close();
    }

    private Redis node() {
        Redis r = Redis.start(new RedisConfig(server.url(), null, Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofHours(1)));
        opened.add(r);
        return r;
    }

    private List<String> logged(Level level) {
        return logged.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void twoNodesTakeFromOneBudget() {
        RedisBuckets a = new RedisBuckets(node());
        RedisBuckets b = new RedisBuckets(node());
        List<Long> remaining = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ConsumptionProbe p = (i % 2 == 0 ? a : b).tryConsume("k:alice", 10);
            assertThat(p).as("take %d answered by Redis", i).isNotNull();
            assertThat(p.isConsumed()).as("take %d of 10", i).isTrue();
            remaining.add(p.getRemainingTokens());
        }
        assertThat(remaining).as("one bucket, whichever node takes").containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
        assertThat(a.tryConsume("k:alice", 10).isConsumed()).as("the 11th, on A").isFalse();
        assertThat(b.tryConsume("k:alice", 10).isConsumed()).as("the 12th, on B").isFalse();
        assertThat(b.tryConsume("k:bob", 10).isConsumed()).as("another key has its own bucket").isTrue();

        String ttl = server.command("PTTL " + RedisBuckets.PREFIX + "k:alice");
        assertThat(ttl).as("the bucket expires once it would be full again (60 s) plus a margin").startsWith(":");
        assertThat(Long.parseLong(ttl.substring(1))).isBetween(1L, 71_000L);
    }

    @Test
    void aKilledRedisIsDownAtOnceLoggedOnceAndBackAfterARestart() throws Exception {
        Redis redis = node();
        RedisBuckets buckets = new RedisBuckets(redis);
        List<Boolean> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        redis.onHealth(heard::add);
        assertThat(redis.up()).isTrue();
        assertThat(buckets.tryConsume("i:192.0.2.1", 100)).isNotNull();
        assertThat(logged(Level.INFO)).singleElement().asString().contains("connected");

        server.kill();
        await("Redis counted as down", Duration.ofSeconds(2), () -> !redis.up());
        long start = System.nanoTime();
        assertThat(buckets.tryConsume("i:192.0.2.1", 100)).as("no answer: the caller's own buckets decide").isNull();
        assertThat((System.nanoTime() - start) / 1_000_000).as("a down Redis is not waited on").isLessThan(50);
        Thread.sleep(4 * Redis.PING_EVERY_MS); // pings keep failing: still one warning
        assertThat(logged(Level.WARN)).singleElement().asString()
                .contains("127.0.0.1:" + server.port(), "rate limits fall back to this node's own buckets", "every 1000 ms");
        assertThat(redis.downs()).isEqualTo(1);

        server.startAgain();
        await("Redis back up", Duration.ofSeconds(5), redis::up);
        assertThat(buckets.tryConsume("i:192.0.2.1", 100)).as("shared again (a new, empty Redis)").isNotNull();
        assertThat(logged(Level.INFO)).hasSize(2).last().asString().contains("is back");
        assertThat(logged(Level.WARN)).hasSize(1);
        assertThat(heard).containsExactly(true, false, true);
    }

    @Test
    void aRedisThatHangsCostsOneTimeoutThenIsNotWaitedOn() throws Exception {
        Redis redis = node();
        RedisBuckets buckets = new RedisBuckets(redis);
        assertThat(buckets.tryConsume("k:carol", 100)).isNotNull();

        server.freeze(true);
        try {
            long start = System.nanoTime();
            ConsumptionProbe p = buckets.tryConsume("k:carol", 100);
            long took = (System.nanoTime() - start) / 1_000_000;
            if (p != null) { // the health check may have noticed first; then this one did not wait at all
                throw new AssertionError("a frozen Redis answered a take");
            }
            assertThat(took).as("at most the 200 ms timeout, with room for a loaded machine").isLessThan(700);
            await("Redis counted as down", Duration.ofSeconds(2), () -> !redis.up());
            start = System.nanoTime();
            assertThat(buckets.tryConsume("k:carol", 100)).isNull();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(50);
            assertThat(logged(Level.WARN)).singleElement().asString().containsAnyOf("longer than 200 ms", "within 200 ms");
        } finally {
            server.freeze(false);
        }
        await("Redis back up", Duration.ofSeconds(5), redis::up);
        assertThat(buckets.tryConsume("k:carol", 100)).isNotNull();
    }

    @Test
    void aRedisNotThereAtStartIsWaitedForWithoutHoldingTheNodeBack() throws Exception {
        server.kill();
        long start = System.nanoTime();
        Redis redis = node();
        assertThat((System.nanoTime() - start) / 1_000_000).as("about the connect timeout, not forever").isLessThan(3000);
        assertThat(redis.up()).isFalse();
        assertThat(new RedisBuckets(redis).tryConsume("k:dave", 10)).isNull();
        assertThat(logged(Level.WARN)).singleElement().asString().contains("unreachable");

        server.startAgain();
        await("connected once Redis is there", Duration.ofSeconds(5), redis::up);
        assertThat(new RedisBuckets(redis).tryConsume("k:dave", 10)).isNotNull();
    }
}
