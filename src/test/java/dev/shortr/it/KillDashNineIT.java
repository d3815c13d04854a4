package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability through the whole stack: a node in its own JVM acknowledges links under load, is killed with
 * SIGKILL (no shutdown hook, no flush), and every link it acknowledged with 201 must redirect after a restart.
 */
class KillDashNineIT {
    private static final int MIN_ACKNOWLEDGED = 200;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedLinkSurvivesSigkill() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();

        try (ChildNode first = ChildNode.serve(null, data, dir.resolve("first"))) {
            String adminKey = first.awaitAdminKey();
            first.awaitHealthy();
            HttpClient http = ChildNode.client();
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            AtomicInteger seq = new AtomicInteger();
            ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
            for (int t = 0; t < 16; t++) {
                writers.execute(() -> {
                    while (first.alive()) {
                        String url = "https://example.com/k9/" + seq.incrementAndGet();
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
            long cap = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((System.nanoTime() < deadline || acknowledged.size() < MIN_ACKNOWLEDGED) && System.nanoTime() < cap && first.alive()) {
                Thread.sleep(20);
            }
            int beforeKill = acknowledged.size();
            first.kill(); // SIGKILL while the writers are still sending
            writers.shutdown();
            assertThat(writers.awaitTermination(15, TimeUnit.SECONDS)).as("writers stop once the node is gone").isTrue();
            assertThat(beforeKill).as("links acknowledged under load within 20 s (refused %d, failed %d)", refused.get(), failed.get())
                    .isGreaterThanOrEqualTo(MIN_ACKNOWLEDGED);
        }

        try (ChildNode second = ChildNode.serve(null, data, dir.resolve("second"))) {
            second.awaitHealthy();
            HttpClient http = ChildNode.client();
            ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
            Semaphore inFlight = new Semaphore(32);
            try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (var e : acknowledged.entrySet()) {
                    readers.execute(() -> {
                        inFlight.acquireUninterruptibly();
                        try {
                            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(second.baseUrl() + "/" + e.getKey()))
                                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
                            String location = r.headers().firstValue("location").orElse(null);
                            if (r.statusCode() != 302 || !e.getValue().equals(location)) {
                                lost.add(e.getKey() + " -> " + r.statusCode() + " " + location + " (expected " + e.getValue() + ")");
                            }
                        } catch (IOException | InterruptedException ex) {
                            lost.add(e.getKey() + " -> " + ex);
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            List<String> sample = new ArrayList<>(lost).subList(0, Math.min(10, lost.size()));
            assertThat(lost).as("%d of %d acknowledged links lost after SIGKILL, e.g. %s", lost.size(), acknowledged.size(), sample)
                    .isEmpty();
        }
    }
}
