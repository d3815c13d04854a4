package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.store.postgres.PgTestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KillDashNineIT} on PostgreSQL: a node in its own JVM acknowledges links from 16 concurrent clients, is
 * killed with SIGKILL mid-stream, and every link it acknowledged with 201 must be in the database, with its
 * target and its CREATED change; the feed the kill interrupted has no hole (a transaction cut short gave back its
 * seq), and a node started afterwards serves them all.
 */
class PostgresKillDashNineIT {
    private static final int CLIENTS = 16;
    private static final int MIN_ACKNOWLEDGED = 200;

    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();

    @TempDir
    Path dir;

    @Test
    void everyLinkAcknowledgedBeforeSigkillIsInTheDatabase() throws Exception {
        Map<String, String> env = Map.of("SHORTR_STORE", pg.url());
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String adminKey;
        long loadMs;

        try (ChildNode first = ChildNode.serve(null, Files.createDirectories(dir.resolve("data-1")), dir.resolve("first"),
                ChildNode.freePort(), env)) {
            adminKey = first.awaitAdminKey();
            first.awaitHealthy();
            HttpClient http = ChildNode.client();
            AtomicInteger seq = new AtomicInteger();
            ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
            for (int t = 0; t < CLIENTS; t++) {
                writers.execute(() -> {
                    while (first.alive()) {
                        String url = "https://example.com/pg-k9/" + seq.incrementAndGet();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(first.baseUrl() + "/api/v1/links"))
                                    .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + adminKey)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + url + "\"}")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 201) {
                                acknowledged.put(TestNode.parse(r.body()).get("code").asText(), url);
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failed.incrementAndGet(); // expected around the kill: never acknowledged
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            // about 2 s of load, longer only on a machine too busy to acknowledge a meaningful number in that time
            long loadStart = System.nanoTime();
            long deadline = loadStart + Duration.ofSeconds(2).toNanos();
            long cap = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((System.nanoTime() < deadline || acknowledged.size() < MIN_ACKNOWLEDGED) && System.nanoTime() < cap && first.alive()) {
                Thread.sleep(20);
            }
            int beforeKill = acknowledged.size();
            loadMs = (System.nanoTime() - loadStart) / 1_000_000;
            first.kill(); // SIGKILL while the writers are still sending
            writers.shutdown();
            assertThat(writers.awaitTermination(15, TimeUnit.SECONDS)).as("writers stop once the node is gone").isTrue();
            assertThat(beforeKill).as("links acknowledged under load within 20 s (refused %d, failed %d)", refused.get(), failed.get())
                    .isGreaterThanOrEqualTo(MIN_ACKNOWLEDGED);
        }

        Map<String, String> stored = new HashMap<>();
        for (List<Object> row : pg.rows("SELECT code, target FROM links")) {
            stored.put((String) row.get(0), (String) row.get(1));
        }
        Map<String, Long> created = new HashMap<>();
        for (List<Object> row : pg.rows("SELECT code, count(*) FROM changes WHERE kind = 'CREATED' GROUP BY code")) {
            created.put((String) row.get(0), (Long) row.get(1));
        }
        List<String> lost = new ArrayList<>();
        acknowledged.forEach((code, url) -> {
            if (!url.equals(stored.get(code)) || created.getOrDefault(code, 0L) != 1) {
                lost.add(code + " -> " + stored.get(code) + " with " + created.getOrDefault(code, 0L) + " CREATED changes (expected "
                        + url + " with 1)");
            }
        });
        assertThat(lost).as("%d of %d acknowledged links missing from PostgreSQL after SIGKILL, e.g. %s", lost.size(),
                acknowledged.size(), lost.subList(0, Math.min(10, lost.size()))).isEmpty();
        System.out.printf("SIGKILL on PostgreSQL after %d ms of creates from %d clients: %d links acknowledged, %d in the database "
                + "(%d in flight at the kill), %d requests cut%n", loadMs, CLIENTS, acknowledged.size(), stored.size(),
                stored.size() - acknowledged.size(), failed.get());
        assertThat(stored).as("every link in the database is one a client asked for").allSatisfy((code, target) ->
                assertThat(target).startsWith("https://example.com/pg-k9/"));
        long changes = pg.single("SELECT count(*) FROM changes");
        assertThat(changes).as("one change per stored link").isEqualTo(stored.size());
        assertThat(pg.single("SELECT coalesce(max(seq), 0) FROM changes")).as("the feed's seqs are 1..%d without a hole", changes)
                .isEqualTo(changes);
        assertThat(pg.single("SELECT n FROM change_counter")).as("the counter, at the feed's last seq").isEqualTo(changes);

        try (ChildNode second = ChildNode.serve(null, Files.createDirectories(dir.resolve("data-2")), dir.resolve("second"),
                ChildNode.freePort(), env)) {
            second.awaitHealthy();
            HttpClient http = ChildNode.client();
            List<String> unserved = new ArrayList<>();
            for (var e : acknowledged.entrySet()) {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(second.baseUrl() + "/" + e.getKey()))
                        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 302 || !e.getValue().equals(r.headers().firstValue("location").orElse(null))) {
                    unserved.add(e.getKey() + " -> " + r.statusCode());
                }
            }
            assertThat(unserved).as("acknowledged links a new node does not serve").isEmpty();
        }
    }
}
