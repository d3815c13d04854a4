package dev.shortr.it;

import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many writers (creates, bulk creates, updates, deletes, re-creations of deleted codes, and refused writes)
 * against a set of nodes sharing one store, while one replica follows the feed from where it stood before the
 * writers started (0 on a fresh store, from a snapshot otherwise) with small pages and a second starts halfway
 * from a snapshot. Reused for the multi-node deployment.
 */
final class FeedStress {
    private static final int WRITERS = 6;
    private static final int ROUNDS = 30;

    static void run(List<String> bases, String key, HttpClient http) throws Exception {
        FeedFollower.Acknowledged acks = new FeedFollower.Acknowledged();
        var before = FeedFollower.snapshot(http, bases.getFirst(), key, 1000);
        long from = before.getKey();
        try (FeedFollower follower = new FeedFollower(bases, key, from, 3, 5).seed(before.getValue()).start();
             ExecutorService pool = Executors.newFixedThreadPool(WRITERS)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Writer writer = new Writer(http, bases.get(w % bases.size()), key, "w" + w, acks);
                writers.add(pool.submit(() -> {
                    writer.run(ROUNDS);
                    return null;
                }));
            }
            Thread.sleep(300);
            // a replica that starts from a snapshot taken while the writers write
            var snapshot = FeedFollower.snapshot(http, bases.getLast(), key, 5);
            try (FeedFollower late = new FeedFollower(bases, key, snapshot.getKey(), 4, 5).seed(snapshot.getValue()).start()) {
                for (Future<?> f : writers) {
                    f.get(120, TimeUnit.SECONDS);
                }
                long last = lastSeq(http, bases.getFirst(), key);
                follower.awaitSeq(last, Duration.ofSeconds(30));
                late.awaitSeq(last, Duration.ofSeconds(30));

                follower.assertExactly(last, acks.asMap());
                assertThat(acks.total()).as("mutations acknowledged").isEqualTo((int) (last - from));
                var now = FeedFollower.snapshot(http, bases.getFirst(), key, 1000);
                assertThat(now.getKey()).isEqualTo(last);
                assertThat(follower.replica()).as("replica built from the whole feed").isEqualTo(now.getValue());
                assertThat(late.replica()).as("replica built from a snapshot and the feed after it").isEqualTo(now.getValue());
                assertThat(follower.requests()).as("pages read").isGreaterThanOrEqualTo((last - from) / 3); // pages of 3: at least that many, exactly that when every page came full
            }
        }
    }

    private static long lastSeq(HttpClient http, String base, String key) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/changes?after=0&limit=1&wait=0"))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        return parse(r.body()).get("last").asLong();
    }

    /** One writer's script; every answer that says a mutation happened is acknowledged. */
    private record Writer(HttpClient http, String base, String key, String prefix, FeedFollower.Acknowledged acks) {
        void run(int rounds) throws Exception {
            for (int i = 0; i < rounds; i++) {
                String code = prefix + "c" + i;
                if (call("POST", "/api/v1/links", "{\"code\":\"" + code + "\",\"url\":\"https://example.com/" + code + "\"}") == 201) {
                    acks.add(code, "created");
                }
                // refused: the code is taken; must not be in the feed
                call("POST", "/api/v1/links", "{\"code\":\"" + code + "\",\"url\":\"https://example.com/again\"}");
                if (i % 2 == 0 && call("PATCH", "/api/v1/links/" + code, "{\"url\":\"https://example.com/u/" + code + "\"}") == 200) {
                    acks.add(code, "updated");
                }
                if (i % 3 == 0 && call("PATCH", "/api/v1/links/" + code, "{\"disabled\": true, \"maxClicks\": " + (i + 1) + "}") == 200) {
                    acks.add(code, "updated");
                }
                // refused: an invalid update
                call("PATCH", "/api/v1/links/" + code, "{\"url\":\"javascript:alert(1)\"}");
                if (i % 4 == 1 && call("DELETE", "/api/v1/links/" + code, null) == 204) {
                    acks.add(code, "deleted");
                    if (i % 8 == 1 && call("POST", "/api/v1/links", "{\"code\":\"" + code + "\",\"url\":\"https://example.com/re/" + code + "\"}") == 201) {
                        acks.add(code, "created");
                    }
                }
                if (i % 5 == 2) {
                    bulk(prefix + "b" + i);
                }
            }
        }

        private void bulk(String stem) throws Exception {
            StringBuilder body = new StringBuilder("{\"links\":[");
            for (int j = 0; j < 4; j++) {
                body.append(j == 0 ? "" : ",").append("{\"code\":\"").append(stem).append('x').append(j)
                        .append("\",\"url\":\"https://example.com/bulk/").append(j).append("\"}");
            }
            // one item with a taken code: refused, the others created
            body.append(",{\"code\":\"").append(stem).append("x0\",\"url\":\"https://example.com/dup\"}]}");
            HttpResponse<String> r = send("POST", "/api/v1/links/bulk", body.toString());
            for (JsonNode item : parse(r.body()).get("items")) {
                if (item.get("status").asInt() == 201) {
                    acks.add(item.get("link").get("code").asText(), "created");
                }
            }
        }

        private int call(String method, String path, String json) throws Exception {
            return send(method, path, json).statusCode();
        }

        private HttpResponse<String> send(String method, String path, String json) throws Exception {
            var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key)
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                b.header("Content-Type", "application/json");
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
