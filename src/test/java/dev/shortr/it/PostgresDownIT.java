package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL stopped under a serving node ({@code pg_ctl stop -m immediate} on a server of the test's own) and started
 * again: cached links keep redirecting; everything that must ask the store (an uncached code, the API, readiness)
 * answers 503 problem+json with Retry-After within {@code store.poolWait} and a little, never hanging; once the
 * server is back the node serves all of it again within seconds, without a restart, and the clicks taken meanwhile
 * are stored.
 */
class PostgresDownIT {
    private static final Duration POOL_WAIT = Duration.ofSeconds(1);
    /** The longest an answer may take while the store is away: one pool wait, and room for a loaded machine. */
    private static final Duration BOUND = POOL_WAIT.plusSeconds(2);
    /** How long past store.statementTimeout a node waits for a server that stopped answering (pgjdbc's socketTimeout). */
    private static final int SOCKET_SLACK_SECONDS = 5;
    private static final HttpClient HTTP = ChildNode.client();

    @TempDir
    Path dir;

    private record Timed(HttpResponse<String> response, long ms) {}

    private static Timed send(String method, String url, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Timed(r, (System.nanoTime() - start) / 1_000_000);
    }

    /** A 503 problem+json with Retry-After, answered within {@link #BOUND}. */
    private static void assertUnavailable(Timed t, String what, String type) {
        HttpResponse<String> r = t.response();
        assertThat(r.statusCode()).as("%s -> %s", what, r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("content-type")).as(what).hasValue("application/problem+json");
        assertThat(TestNode.parse(r.body()).get("type").asText()).as(what).endsWith(type);
        assertThat(r.headers().firstValue("retry-after")).as(what).hasValue("2");
        assertThat(t.ms()).as("%s answered within store.poolWait (%d ms) and a little, ms", what, POOL_WAIT.toMillis())
                .isLessThan(BOUND.toMillis());
    }

    @Test
    void whilePostgresIsDownCachedLinksRedirectTheRestAnswer503AndAllRecoversWithoutARestart() throws Exception {
        Path yaml = Files.writeString(dir.resolve("shortr.yaml"), """
                store: { poolSize: 4, poolWait: 1s, statementTimeout: 2s }
                clicks: { flushInterval: 100ms, countersInterval: 100ms }
                """);
        try (PostgresServer pg = PostgresServer.start();
             ChildNode node = ChildNode.serve(yaml, dir.resolve("data"), dir.resolve("logs"), ChildNode.freePort(),
                     Map.of("SHORTR_STORE", pg.url()))) {
            String admin = node.awaitAdminKey();
            node.awaitHealthy();
            String base = node.baseUrl();
            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"warm01\", \"url\": \"https://example.com/warm\"}");
            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"cold01\", \"url\": \"https://example.com/cold\"}");
            assertThat(send("GET", base + "/warm01", null, null).response().statusCode()).as("warm01, now cached").isEqualTo(302);
            assertThat(send("GET", base + "/readyz", null, null).response().statusCode()).isEqualTo(200);

            pg.stop();

            for (int i = 0; i < 5; i++) {
                Timed t = send("GET", base + "/warm01", null, null);
                assertThat(t.response().statusCode()).as("a cached link, with the store away").isEqualTo(302);
                assertThat(t.response().headers().firstValue("location")).hasValue("https://example.com/warm");
            }
            assertUnavailable(send("GET", base + "/cold01", null, null), "GET /cold01 (a link never asked for, so not cached)",
                    "store-unavailable");
            assertUnavailable(send("GET", base + "/nope99", null, null), "GET /nope99 (unknown)", "store-unavailable");
            assertUnavailable(send("GET", base + "/readyz", null, null), "GET /readyz", "not-ready");
            // the API, several calls at once: each waits for a connection on its own, none for another
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Timed>> calls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(callers.submit(() -> send("GET", base + "/api/v1/links", admin, null)));
                    calls.add(callers.submit(() -> send("GET", base + "/api/v1/links/warm01", admin, null)));
                    int n = i;
                    calls.add(callers.submit(() -> send("POST", base + "/api/v1/links", admin,
                            "{\"code\": \"down0" + n + "\", \"url\": \"https://example.com/down\"}")));
                }
                calls.add(callers.submit(() -> send("GET", base + "/cold01", null, null)));
                // meanwhile (each of those waits for a connection for store.poolWait) the cache answers at once
                Thread.sleep(100);
                for (int i = 0; i < 5; i++) {
                    Timed t = send("GET", base + "/warm01", null, null);
                    assertThat(t.response().statusCode()).as("a cached link while %d requests wait for the store", calls.size())
                            .isEqualTo(302);
                    assertThat(t.ms()).as("a cached redirect waits for none of them, ms").isLessThan(250);
                }
                for (Future<Timed> f : calls) {
                    assertUnavailable(f.get(), "an API call or an uncached redirect", "store-unavailable");
                }
            }
            assertThat(node.alive()).isTrue();

            pg.startAgain();
            long restarted = System.nanoTime();
            // HikariCP retries a failed connection with a backoff that doubles up to 5 s: a connection within that, and a pool wait
            long deadline = restarted + Duration.ofSeconds(10).toNanos();
            while (send("GET", base + "/readyz", null, null).response().statusCode() != 200) {
                assertThat(System.nanoTime()).as("/readyz answers 200 within 10 s of PostgreSQL's return" + node.logs()).isLessThan(deadline);
                Thread.sleep(50);
            }
            long readyMs = (System.nanoTime() - restarted) / 1_000_000;
            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"back01\", \"url\": \"https://example.com/back\"}");
            assertThat(send("GET", base + "/cold01", null, null).response().headers().firstValue("location"))
                    .as("an uncached link, from the store again").hasValue("https://example.com/cold");
            assertThat(send("GET", base + "/back01", null, null).response().statusCode()).isEqualTo(302);
            assertThat(send("GET", base + "/nope99", null, null).response().statusCode()).isEqualTo(404);
            node.expect(404, "GET", "/api/v1/links/down00", admin, null);
            System.out.printf("PostgreSQL back: /readyz 200 after %d ms, the API and uncached redirects right after%n", readyMs);

            // 1 click before the stop, 10 while the store was away (kept, and flushed once it is back), 1 now
            assertThat(send("GET", base + "/warm01", null, null).response().statusCode()).isEqualTo(302);
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long clicks;
            while ((clicks = TestNode.parse(node.expect(200, "GET", "/api/v1/links/warm01/stats", admin, null)).get("clicks").asLong()) != 12) {
                assertThat(System.nanoTime()).as("warm01's 12 clicks stored (%d so far)", clicks).isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(500); // five more flush intervals
            JsonNode stats = TestNode.parse(node.expect(200, "GET", "/api/v1/links/warm01/stats", admin, null));
            assertThat(stats.get("clicks").asLong()).as("the clicks taken while PostgreSQL was away, neither lost nor counted twice")
                    .isEqualTo(12);
            assertThat(node.alive()).as("the same process throughout").isTrue();
        }
    }

    @Test
    void aServerThatStopsAnsweringHoldsNoRequestPastTheStatementTimeoutAndRecovers() throws Exception {
        Duration statementTimeout = Duration.ofSeconds(2);
        // what a partition costs a request that had sent its statement: the timeout, the socket's slack, a loaded machine
        Duration bound = statementTimeout.plusSeconds(SOCKET_SLACK_SECONDS + 2);
        Path yaml = Files.writeString(dir.resolve("shortr.yaml"), """
                store: { poolSize: 4, poolWait: 1s, statementTimeout: 2s }
                clicks: { flushInterval: 100ms, countersInterval: 100ms }
                """);
        try (PostgresServer pg = PostgresServer.start();
             ChildNode node = ChildNode.serve(yaml, dir.resolve("data"), dir.resolve("logs"), ChildNode.freePort(),
                     Map.of("SHORTR_STORE", pg.url()))) {
            String admin = node.awaitAdminKey();
            node.awaitHealthy();
            String base = node.baseUrl();
            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"warm02\", \"url\": \"https://example.com/warm\"}");
            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"cold02\", \"url\": \"https://example.com/cold\"}");
            assertThat(send("GET", base + "/warm02", null, null).response().statusCode()).isEqualTo(302);
            for (int i = 0; i < 8; i++) {
                // connections used within the last half second are handed out unchecked: the worst case for a partition
                node.expect(200, "GET", "/api/v1/links", admin, null);
            }

            pg.freeze(true);
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Timed>> calls = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    calls.add(callers.submit(() -> send("GET", base + "/api/v1/links", admin, null)));
                }
                calls.add(callers.submit(() -> send("POST", base + "/api/v1/links", admin, "{\"url\": \"https://example.com/frozen\"}")));
                calls.add(callers.submit(() -> send("GET", base + "/cold02", null, null)));
                Thread.sleep(100);
                Timed cached = send("GET", base + "/warm02", null, null);
                assertThat(cached.response().statusCode()).as("a cached link, the server frozen").isEqualTo(302);
                assertThat(cached.ms()).as("a cached redirect waits for no store, ms").isLessThan(250);
                for (Future<Timed> f : calls) {
                    Timed t = f.get();
                    HttpResponse<String> r = t.response();
                    assertThat(r.statusCode()).as("%s %s -> %s", r.request().method(), r.uri().getPath(), r.body()).isEqualTo(503);
                    assertThat(r.headers().firstValue("retry-after")).hasValue("2");
                    assertThat(t.ms()).as("%s %s answered within store.statementTimeout + %d s and a little, ms", r.request().method(),
                            r.uri().getPath(), SOCKET_SLACK_SECONDS).isLessThan(bound.toMillis());
                }
            }
            Timed ready = send("GET", base + "/readyz", null, null);
            assertThat(ready.response().statusCode()).isEqualTo(503);
            assertThat(ready.ms()).as("/readyz, ms").isLessThan(bound.toMillis());

            pg.freeze(false);
            long thawed = System.nanoTime();
            long deadline = thawed + Duration.ofSeconds(10).toNanos();
            while (send("GET", base + "/readyz", null, null).response().statusCode() != 200) {
                assertThat(System.nanoTime()).as("/readyz answers 200 within 10 s of the server's return" + node.logs()).isLessThan(deadline);
                Thread.sleep(50);
            }
            System.out.printf("PostgreSQL answering again: /readyz 200 after %d ms%n", (System.nanoTime() - thawed) / 1_000_000);
            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"back02\", \"url\": \"https://example.com/back\"}");
            assertThat(send("GET", base + "/cold02", null, null).response().headers().firstValue("location")).hasValue("https://example.com/cold");
        }
    }
}
