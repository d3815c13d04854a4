package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.store.postgres.PgTestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shortr serve} on PostgreSQL, chosen by {@code SHORTR_STORE} alone, driven through HTTP: the first admin
 * key, links (create, redirect, update, delete), keys, stats and analytics, webhooks fed by the change feed; then
 * a second node on the same database finds it all and prints no second admin key.
 */
class PostgresNodeIT {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private static final HttpClient HTTP = ChildNode.client();

    @TempDir
    Path dir;

    private static HttpResponse<String> get(ChildNode node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aNodeOnPostgresServesEverything() throws Exception {
        Path yaml = Files.writeString(dir.resolve("shortr.yaml"), """
                clicks: { flushInterval: 100ms, countersInterval: 100ms }
                webhooks: { allowPrivate: true, backoffBase: 50ms }
                """);
        Map<String, String> env = Map.of("SHORTR_STORE", pg.url());
        String admin;
        try (Receiver receiver = new Receiver();
             ChildNode node = ChildNode.serve(yaml, dir.resolve("data"), dir.resolve("logs-1"), ChildNode.freePort(), env)) {
            admin = node.awaitAdminKey();
            node.awaitHealthy();
            assertThat(get(node, "/readyz").statusCode()).isEqualTo(200);

            JsonNode hook = TestNode.parse(node.expect(201, "POST", "/api/v1/webhooks", admin,
                    "{\"url\": \"" + receiver.url("/hook") + "\", \"events\": [\"*\"]}"));
            receiver.secret("/hook", hook.get("secret").asText());

            node.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"abc123\", \"url\": \"https://example.com/a\", \"tags\": [\"docs\"]}");
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = get(node, "/abc123");
                assertThat(r.statusCode()).isEqualTo(302);
                assertThat(r.headers().firstValue("location")).hasValue("https://example.com/a");
            }
            node.expect(200, "PATCH", "/api/v1/links/abc123", admin, "{\"url\": \"https://example.org/b\", \"title\": \"Moved\"}");
            assertThat(get(node, "/abc123").headers().firstValue("location")).as("the edit reaches the redirect")
                    .hasValue("https://example.org/b");

            await("4 clicks in the link's stats", () -> TestNode.parse(node.expect(200, "GET", "/api/v1/links/abc123/stats", admin, null))
                    .at("/totals/clicks").asLong() == 4);
            JsonNode stats = TestNode.parse(node.expect(200, "GET", "/api/v1/links/abc123/stats", admin, null));
            assertThat(stats.get("clicks").asLong()).as("the click store's total, beside analytics").isEqualTo(4);
            assertThat(stats.get("daily")).extracting(d -> d.get("clicks").asLong()).as("per day").containsExactly(4L);
            await("4 clicks in the instance's stats", () -> TestNode.parse(node.expect(200, "GET", "/api/v1/stats", admin, null))
                    .at("/totals/clicks").asLong() == 4);

            JsonNode reader = TestNode.parse(node.expect(201, "POST", "/api/v1/keys", admin,
                    "{\"name\": \"reader\", \"scopes\": [\"links:read\"]}"));
            String readerKey = reader.get("key").asText();
            JsonNode found = TestNode.parse(node.expect(200, "GET", "/api/v1/links?q=MOVED&tag=docs", admin, null));
            assertThat(found.get("items")).extracting(i -> i.get("code").asText()).containsExactly("abc123");
            assertThat(TestNode.parse(node.expect(200, "GET", "/api/v1/links?q=MOVED", readerKey, null)).get("items"))
                    .as("another key sees its own links only").isEmpty();
            node.expect(403, "DELETE", "/api/v1/links/abc123", readerKey, null);
            assertThat(TestNode.parse(node.expect(200, "GET", "/api/v1/keys", admin, null)).get("items")).hasSize(2);

            node.expect(204, "DELETE", "/api/v1/links/abc123", admin, null);
            assertThat(get(node, "/abc123").statusCode()).as("a deleted code is gone").isEqualTo(410);
            assertThat(get(node, "/nope99").statusCode()).isEqualTo(404);

            assertThat(pg.rows("SELECT seq, kind, code FROM changes ORDER BY seq")).as("the change feed")
                    .containsExactly(List.of(1L, "CREATED", "abc123"), List.of(2L, "UPDATED", "abc123"), List.of(3L, "DELETED", "abc123"));
            await("the three link events, sent from the change feed", () -> receiver.accepted().stream()
                    .filter(a -> a.id().matches("evt_chg_[123]")).count() == 3);
            // deliveries go out several at once, so they may arrive in any order; each event is named after its seq
            assertThat(receiver.accepted()).filteredOn(a -> a.id().startsWith("evt_chg_"))
                    .extracting(a -> a.id() + " " + a.type())
                    .containsExactlyInAnyOrder("evt_chg_1 link.created", "evt_chg_2 link.updated", "evt_chg_3 link.deleted");
        }

        try (ChildNode second = ChildNode.serve(yaml, dir.resolve("data-2"), dir.resolve("logs-2"), ChildNode.freePort(), env)) {
            second.awaitHealthy();
            assertThat(second.output()).as("a second node on the same database").doesNotContain("admin key");
            assertThat(TestNode.parse(second.expect(200, "GET", "/api/v1/keys", admin, null)).get("items")).hasSize(2);
            second.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"def456\", \"url\": \"https://example.com/d\"}");
            assertThat(get(second, "/abc123").statusCode()).isEqualTo(410);
            assertThat(pg.single("SELECT max(seq) FROM changes")).isEqualTo(4);
        }
    }
}
