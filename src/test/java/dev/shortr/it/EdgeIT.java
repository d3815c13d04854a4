package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.EdgeNode;
import dev.shortr.edge.Replicator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin and two edges in one test: the edges load the origin's links from a snapshot, serve them, follow
 * edits through the change feed within a second, keep serving every replicated link while the origin is down,
 * pick up after it comes back, and resume from their saved cursor after a restart.
 */
class EdgeIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    static EdgeNode edge(URI origin, String key, Path data) throws InterruptedException {
        return EdgeNode.start(new EdgeNode.Settings(origin, key, data, "127.0.0.1", 0, 1, null, Duration.ofSeconds(5),
                Duration.ofMillis(100)));
    }

    static Optional<String> location(int port, String code) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + code))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 3 ? r.headers().firstValue("location") : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).GET()
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Milliseconds until {@code port} redirects {@code code} to {@code target}; fails past {@code limitMs}. */
    static long until(int port, String code, String target, long limitMs) throws InterruptedException {
        long t0 = System.nanoTime();
        while (true) {
            if (location(port, code).filter(target::equals).isPresent()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if ((System.nanoTime() - t0) / 1_000_000 > limitMs) {
                throw new AssertionError(code + " did not reach " + target + " on :" + port + " within " + limitMs + " ms; it gives "
                        + location(port, code));
            }
            Thread.sleep(5);
        }
    }

    @Test
    void twoEdgesReplicateServeFollowEditsAndOutliveTheOrigin() throws Exception {
        TestNode origin = TestNode.start(dir.resolve("origin"));
        List<EdgeNode> edges = new ArrayList<>();
        try {
            origin.createLink("before", "https://example.com/before", "");
            String key = origin.mintKey("edges", "replication");
            URI base = origin.uri("");
            edges.add(edge(base, key, dir.resolve("edge-a")));
            edges.add(edge(base, key, dir.resolve("edge-b")));
            for (EdgeNode e : edges) {
                assertThat(e.awaitLoaded(Duration.ofSeconds(20))).isTrue();
                assertThat(location(e.port(), "before")).contains("https://example.com/before"); // from the snapshot
                assertThat(status(e.port(), "/readyz")).isEqualTo(200);
            }

            // a new link, then edits: every edge serves each within a second (long poll, applied at once)
            origin.createLink("fresh", "https://example.com/one", "");
            for (EdgeNode e : edges) {
                until(e.port(), "fresh", "https://example.com/one", 3000);
            }
            List<Long> lags = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String target = "https://example.com/edit-" + i;
                assertThat(origin.admin("PATCH", "/api/v1/links/fresh", "{\"url\":\"" + target + "\"}").statusCode()).isEqualTo(200);
                for (EdgeNode e : edges) {
                    lags.add(until(e.port(), "fresh", target, 1000));
                }
            }
            assertThat(origin.admin("DELETE", "/api/v1/links/before", null).statusCode()).isEqualTo(204);
            for (EdgeNode e : edges) {
                long t0 = System.nanoTime();
                while (location(e.port(), "before").isPresent() && System.nanoTime() - t0 < 3_000_000_000L) {
                    Thread.sleep(5);
                }
                assertThat(location(e.port(), "before")).isEmpty();
            }
            System.out.println("edge propagation lag (ms), 5 edits x 2 edges: " + lags);

            // the origin goes away: every replicated link is still served, and /readyz says degraded but stays 200
            origin.close();
            for (EdgeNode e : edges) {
                assertThat(location(e.port(), "fresh")).contains("https://example.com/edit-4");
                long t0 = System.nanoTime();
                while (e.replicator().state() != Replicator.State.ORIGIN_UNREACHABLE && System.nanoTime() - t0 < 10_000_000_000L) {
                    Thread.sleep(20);
                }
                assertThat(e.replicator().state()).isEqualTo(Replicator.State.ORIGIN_UNREACHABLE);
                assertThat(status(e.port(), "/readyz")).isEqualTo(200);
                assertThat(location(e.port(), "fresh")).contains("https://example.com/edit-4");
            }
        } finally {
            edges.forEach(EdgeNode::close);
            origin.close();
        }
    }

    @Test
    void anEdgeResumesFromItsCursorAfterARestartAndDrainFailsReadinessFirst() throws Exception {
        TestNode origin = TestNode.start(dir.resolve("origin"));
        try {
            origin.createLink("kept", "https://example.com/kept", "");
            String key = origin.mintKey("edge", "replication");
            Path data = dir.resolve("edge");
            EdgeNode first = edge(origin.uri(""), key, data);
            assertThat(first.awaitLoaded(Duration.ofSeconds(20))).isTrue();
            long cursor = first.replicator().cursor();
            first.close();

            // changes made while the edge was down arrive from its cursor, without a new snapshot
            origin.createLink("while-down", "https://example.com/while-down", "");
            EdgeNode second = edge(origin.uri(""), key, data);
            try {
                assertThat(second.awaitLoaded(Duration.ofMillis(10))).isTrue(); // serves its replica at once
                assertThat(location(second.port(), "kept")).contains("https://example.com/kept");
                until(second.port(), "while-down", "https://example.com/while-down", 5000);
                assertThat(second.replicator().cursor()).isGreaterThan(cursor);
                assertThat(second.replicator().resyncs()).isZero();

                Thread drain = Thread.ofPlatform().start(() -> second.drain(Duration.ofSeconds(2)));
                long t0 = System.nanoTime();
                while (status(second.port(), "/readyz") != 503 && System.nanoTime() - t0 < 1_000_000_000L) {
                    Thread.sleep(10);
                }
                assertThat(status(second.port(), "/readyz")).isEqualTo(503);
                assertThat(location(second.port(), "kept")).contains("https://example.com/kept"); // still serving in the grace
                drain.join(10_000);
                assertThat(status(second.port(), "/healthz")).isEqualTo(-1);
            } finally {
                second.close();
            }
        } finally {
            origin.close();
        }
    }

    /** The node config of {@code data} on a fixed {@code port}: a restarted origin comes back where edges look for it. */
    static dev.shortr.config.ShortrConfig onPort(Path data, int port) {
        dev.shortr.config.ShortrConfig c = TestNode.config(data);
        dev.shortr.config.ServerConfig s = c.server();
        return new dev.shortr.config.ShortrConfig(new dev.shortr.config.ServerConfig(s.host(), port, s.ioThreads(), s.publicUrl(),
                s.maxBodyBytes(), s.accessLog(), s.idleTimeout(), s.shutdownGrace(), s.backgroundNice(), s.ui(), s.headerTimeout(),
                s.maxConnections(), s.serverTiming()), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(),
                c.webhooks(), c.tls());
    }

    static void click(int port, String code, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(location(port, code)).as("click %d of %s on :%d", i, code, port).isPresent();
        }
    }

    static long total(TestNode origin, String code) {
        return TestNode.parse(origin.admin("GET", "/api/v1/links/" + code + "/stats", null).body()).path("clicks").asLong(-1);
    }

    @Test
    void clicksAtEdgesReachTheOriginExactlyOnceEvenAcrossAnOutage() throws Exception {
        Path originData = dir.resolve("origin");
        TestNode origin = TestNode.start(originData);
        String adminKey = origin.adminKey();
        int port = origin.port();
        List<EdgeNode> edges = new ArrayList<>();
        try {
            origin.createLink("counted", "https://example.com/counted", "");
            String key = origin.mintKey("edges", "replication");
            edges.add(edge(origin.uri(""), key, dir.resolve("edge-a")));
            edges.add(edge(origin.uri(""), key, dir.resolve("edge-b")));
            for (EdgeNode e : edges) {
                assertThat(e.awaitLoaded(Duration.ofSeconds(20))).isTrue();
            }
            click(edges.get(0).port(), "counted", 7);
            click(edges.get(1).port(), "counted", 5);
            click(origin.port(), "counted", 3);
            long t0 = System.nanoTime();
            while (total(origin, "counted") != 15 && System.nanoTime() - t0 < 15_000_000_000L) {
                Thread.sleep(50);
            }
            assertThat(total(origin, "counted")).isEqualTo(15);

            // the origin goes down; clicks go on at the edges and wait on their disks
            origin.close();
            click(edges.get(0).port(), "counted", 11);
            click(edges.get(1).port(), "counted", 13);
            t0 = System.nanoTime();
            while (edges.stream().anyMatch(e -> e.shipper().waiting() == 0) && System.nanoTime() - t0 < 10_000_000_000L) {
                Thread.sleep(50);
            }
            assertThat(edges).allMatch(e -> e.shipper().waiting() > 0);

            // back on the same port: every waiting batch is added, once
            origin = TestNode.start(onPort(originData, port), adminKey);
            t0 = System.nanoTime();
            while (total(origin, "counted") != 39 && System.nanoTime() - t0 < 30_000_000_000L) {
                Thread.sleep(100);
            }
            assertThat(total(origin, "counted")).isEqualTo(39);
            for (EdgeNode e : edges) {
                assertThat(e.shipper().waiting()).isZero();
                assertThat(e.shipper().dropped()).isZero();
            }
            Thread.sleep(1500); // a round more of shipping: nothing is counted twice
            assertThat(total(origin, "counted")).isEqualTo(39);
        } finally {
            edges.forEach(EdgeNode::close);
            origin.close();
        }
    }

    @Test
    void aClickBatchIsAddedOncePerIdempotencyKeyAndBadBatchesAreProblems() throws Exception {
        TestNode origin = TestNode.start(dir.resolve("origin"));
        try {
            origin.createLink("batch", "https://example.com/batch", "");
            String key = origin.mintKey("edge", "replication");
            String body = "{\"counts\":[{\"code\":\"batch\",\"day\":\"" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                    + "\",\"clicks\":4},{\"code\":\"gone\",\"day\":\"2026-01-01\",\"clicks\":1}]}";
            HttpResponse<String> first = post(origin, key, "edge-1-0001", body);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(TestNode.parse(first.body()).path("added").asBoolean()).isTrue();
            assertThat(TestNode.parse(first.body()).path("unknownCodes").toString()).isEqualTo("[\"gone\"]");
            HttpResponse<String> again = post(origin, key, "edge-1-0001", body);
            assertThat(TestNode.parse(again.body()).path("added").asBoolean()).isFalse();
            assertThat(total(origin, "batch")).isEqualTo(4);

            TestNode.assertProblem(post(origin, key, null, body), 400, "invalid-field");
            TestNode.assertProblem(post(origin, key, "k", "{\"counts\":[{\"code\":\"batch\",\"day\":\"x\",\"clicks\":1}]}"), 400,
                    "invalid-field");
            TestNode.assertProblem(post(origin, key, "k", "{\"counts\":[{\"code\":\"batch\",\"day\":\"2026-01-01\",\"clicks\":0}]}"),
                    400, "invalid-field");
            TestNode.assertProblem(post(origin, origin.mintKey("reader", "links:read"), "k", body), 403, "insufficient-scope");
            assertThat(total(origin, "batch")).isEqualTo(4);
        } finally {
            origin.close();
        }
    }

    private static HttpResponse<String> post(TestNode origin, String key, String idempotencyKey, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(origin.uri("/api/v1/clicks")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEdgeServesItsReplicaOverTlsWithHttp2AndHttp3() throws Exception {
        TestNode origin = TestNode.start(dir.resolve("origin"));
        TestPki pki = new TestPki(dir.resolve("pki"));
        TestPki.Leaf leaf = pki.leaf("edge", "EC", null, "edge.test", "127.0.0.1");
        try {
            origin.createLink("secure", "https://example.com/secure", "");
            String key = origin.mintKey("edge", "replication");
            dev.shortr.config.TlsConfig tls = TestNode.tls(List.of(leaf.entry()), t -> t).apply(TestNode.config(dir)).tls();
            try (EdgeNode edge = EdgeNode.start(new EdgeNode.Settings(origin.uri(""), key, dir.resolve("edge"), "127.0.0.1", 0, 1,
                    null, Duration.ofSeconds(5), Duration.ofMillis(100), tls))) {
                assertThat(edge.awaitLoaded(Duration.ofSeconds(20))).isTrue();
                // curl, which negotiates h2 by ALPN on its own
                Curl.Result h2 = Curl.run("--cacert", pki.caFile().toString(), "-o", "/dev/null", "-D", "-", "-w",
                        "version=%{http_version}\n", "https://127.0.0.1:" + edge.tlsPort() + "/secure");
                assertThat(h2.exit()).as(h2.err()).isZero();
                assertThat(h2.out()).contains("version=2").containsIgnoringCase("location: https://example.com/secure")
                        .containsIgnoringCase("strict-transport-security").startsWith("HTTP/2 302");
                H3Client h3 = new H3Client("edge.test", edge.tlsPort(), pki.caFile());
                try {
                    H3Client.Response over3 = h3.send(H3Client.Request.get("/secure"));
                    assertThat(over3.status()).isEqualTo(302);
                    assertThat(over3.header("location")).isEqualTo("https://example.com/secure");
                } finally {
                    h3.close();
                }
            }
        } finally {
            origin.close();
        }
    }

    @Test
    void aCodeTheReplicaDoesNotHoldYetIsAskedOfTheOrigin() throws Exception {
        TestNode origin = TestNode.start(dir.resolve("origin"));
        try {
            String key = origin.mintKey("edge", "replication");
            try (EdgeNode edge = edge(origin.uri(""), key, dir.resolve("edge"))) {
                assertThat(edge.awaitLoaded(Duration.ofSeconds(20))).isTrue();
                assertThat(location(edge.port(), "nothere")).isEmpty(); // unknown at the origin too: 404, remembered
                origin.createLink("justmade", "https://example.com/just-made", "");
                // whether the feed or the miss path brings it, the edge serves it at once
                until(edge.port(), "justmade", "https://example.com/just-made", 2000);
                assertThat(TestNode.parse(origin.api("GET", "/api/v1/changes/links/justmade", key, null).body()).path("url").asText())
                        .isEqualTo("https://example.com/just-made");
                assertThat(origin.api("GET", "/api/v1/changes/links/nothere", key, null).statusCode()).isEqualTo(404);
                assertThat(origin.api("GET", "/api/v1/changes/links/justmade", origin.mintKey("r", "links:read"), null).statusCode())
                        .isEqualTo(403);
            }
        } finally {
            origin.close();
        }
    }

    @Test
    void aCursorTheOriginCannotContinueFromMakesTheEdgeReloadFromASnapshot() throws Exception {
        TestNode origin = TestNode.start(dir.resolve("origin"));
        try {
            origin.createLink("survivor", "https://example.com/survivor", "");
            String key = origin.mintKey("edge", "replication");
            // a replica from another store (or from before a restore): its cursor is ahead of this origin's feed,
            // and it holds a link this origin never had
            Path data = dir.resolve("edge");
            try (EdgeNode first = edge(origin.uri(""), key, data)) {
                assertThat(first.awaitLoaded(Duration.ofSeconds(20))).isTrue();
            }
            java.nio.file.Files.writeString(data.resolve("edge-cursor"), "999999");
            try (EdgeNode edge = edge(origin.uri(""), key, data)) {
                long t0 = System.nanoTime();
                while (edge.replicator().resyncs() == 0 && System.nanoTime() - t0 < 10_000_000_000L) {
                    Thread.sleep(20);
                }
                assertThat(edge.replicator().resyncs()).isEqualTo(1);
                t0 = System.nanoTime();
                while (edge.replicator().cursor() == 999999 && System.nanoTime() - t0 < 10_000_000_000L) {
                    Thread.sleep(20);
                }
                assertThat(edge.replicator().cursor()).isLessThan(999999);
                assertThat(location(edge.port(), "survivor")).contains("https://example.com/survivor");
                // and it follows the feed from the snapshot's seq again
                origin.createLink("after", "https://example.com/after", "");
                until(edge.port(), "after", "https://example.com/after", 3000);
            }
        } finally {
            origin.close();
        }
    }
}
