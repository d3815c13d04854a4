package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.cli.Cli;
import dev.shortr.store.postgres.PgTestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The many-node deployment of docs/scaling.md, for real: three nodes A, B and C, each {@code shortr serve} in a JVM
 * of its own with one I/O thread, on one PostgreSQL database and one Redis, behind haproxy (round robin, checked on
 * {@code /healthz}). A link made on one node is served by the others and through the proxy; an edit on any node is
 * served by every node within a second (p99, measured and printed); clicks taken by all of them add up exactly; and
 * writers on every node leave one change feed without a gap or a duplicate; a signed-in browser is kept on the node
 * that holds its session. Last, with clients sending redirects
 * through the proxy all along, one node is stopped (SIGTERM) and another killed (SIGKILL).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the feed's writers on a feed already begun; nodes stopped last
class ThreeNodesIT {
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final HttpClient HTTP = ChildNode.client();

    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    @TempDir
    static Path dir;
    static RedisServer redis;
    static final Map<String, ChildNode> nodes = new LinkedHashMap<>();
    static Haproxy proxy;
    static String admin;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisServer.start(dir.resolve("redis"));
        admin = firstKey();
        Path yaml = Files.writeString(dir.resolve("shortr.yaml"), """
                clicks: { flushInterval: 100ms, countersInterval: 100ms }
                rateLimit: { enabled: false }
                """);
        Map<String, String> env = Map.of("SHORTR_STORE", pg.url(), "SHORTR_REDIS_URL", redis.url());
        Map<String, String> servers = new LinkedHashMap<>();
        for (String name : NAMES) {
            // one after another: three JVMs warming up at once on a small machine take longer than the three in turn
            ChildNode n = ChildNode.serve(yaml, dir.resolve("data-" + name), dir.resolve("logs-" + name), ChildNode.freePort(), env);
            nodes.put(name, n);
            n.awaitHealthy();
            assertThat(get(n.baseUrl(), "/readyz").statusCode()).as("node %s ready", name).isEqualTo(200);
            servers.put(name, n.baseUrl());
        }
        proxy = Haproxy.start(dir.resolve("haproxy"), servers);
        for (var n : nodes.entrySet()) {
            assertThat(n.getValue().output()).as("node %s, on a store that has its key already", n.getKey()).doesNotContain("admin key");
        }
    }

    /** The cluster's first key, minted in the database before any node starts, as docs/operations.md says to. */
    private static String firstKey() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(new String[] {"keys", "create", "--store", pg.url(), "--data", dir.resolve("keys").toString(),
                "--name", "admin", "--scopes", "admin"}, new PrintWriter(out), new PrintWriter(err), Map.of());
        assertThat(exit).as("keys create: %s", err).isZero();
        return out.toString().strip();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        for (ChildNode n : nodes.values()) {
            n.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static HttpResponse<String> get(String base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Where {@code base} sends {@code /code}: the location of a 302, else the status. */
    private static String location(String base, String code) throws Exception {
        HttpResponse<String> r = get(base, "/" + code);
        return r.statusCode() == 302 ? r.headers().firstValue("location").orElseThrow() : Integer.toString(r.statusCode());
    }

    /** Asks {@code base} for {@code code} until it answers {@code expected}; returns the ms since {@code sinceNanos}. */
    private static double served(String base, String code, String expected, long sinceNanos, Duration within) throws Exception {
        long deadline = sinceNanos + within.toNanos();
        String got;
        while (!(got = location(base, code)).equals(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(base + " still answers " + got + " for /" + code + ", not " + expected + ", "
                        + within.toMillis() + " ms after the edit");
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - sinceNanos) / 1e6;
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static String figures(List<Double> lags) {
        List<Double> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        return "p50 %.1f ms, p99 %.1f ms, max %.1f ms".formatted(percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.getLast());
    }

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long clicks(String base, String code) {
        HttpResponse<String> r;
        try {
            r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/links/" + code + "/stats")).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("stats of " + code + " from " + base, e);
        }
        assertThat(r.statusCode()).as("stats of %s from %s: %s", code, base, r.body()).isEqualTo(200);
        return TestNode.parse(r.body()).get("clicks").asLong();
    }

    @Test
    @Order(1)
    void aLinkMadeOnAIsServedByBAndTheProxyAndAnEditOnCReachesThemAll() throws Exception {
        ChildNode a = nodes.get("a");
        ChildNode c = nodes.get("c");
        a.expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"abc123\", \"url\": \"https://example.com/a\"}");
        assertThat(location(nodes.get("b").baseUrl(), "abc123")).as("through B").isEqualTo("https://example.com/a");
        List<HttpResponse<String>> viaProxy = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = get(proxy.baseUrl(), "/abc123");
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("location")).hasValue("https://example.com/a");
            viaProxy.add(r);
        }
        assertThat(Haproxy.spread(viaProxy)).as("answered by, through the proxy").containsOnlyKeys(NAMES);

        c.expect(200, "PATCH", "/api/v1/links/abc123", admin, "{\"url\": \"https://example.org/b\"}");
        long edited = System.nanoTime();
        for (var n : nodes.entrySet()) {
            served(n.getValue().baseUrl(), "abc123", "https://example.org/b", edited, BOUND);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(location(proxy.baseUrl(), "abc123")).as("through the proxy").isEqualTo("https://example.org/b");
        }
    }

    @Test
    @Order(2)
    void everyNodeServesAnEditOnAnyNodeWithinASecond() throws Exception {
        int edits = 50;
        List<String> bases = nodes.values().stream().map(ChildNode::baseUrl).toList();
        nodes.get("a").expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"lag001\", \"url\": \"https://example.com/v0\"}");
        Map<String, List<Double>> byNode = new LinkedHashMap<>();
        List<Double> peers = new ArrayList<>();
        try (ExecutorService pollers = Executors.newFixedThreadPool(NAMES.size())) {
            for (int i = 1; i <= edits; i++) {
                String before = "https://example.com/v" + (i - 1);
                String after = "https://example.com/v" + i;
                for (String base : bases) {
                    assertThat(location(base, "lag001")).as("%s holds v%d before edit %d", base, i - 1, i).isEqualTo(before);
                }
                String editor = NAMES.get(i % NAMES.size());
                nodes.get(editor).expect(200, "PATCH", "/api/v1/links/lag001", admin, "{\"url\": \"" + after + "\"}");
                long edited = System.nanoTime();
                Map<String, Future<Double>> polls = new LinkedHashMap<>();
                for (String name : NAMES) {
                    String base = nodes.get(name).baseUrl();
                    // a generous limit, so that a slow edit is measured and reported rather than cut off
                    polls.put(name, pollers.submit(() -> served(base, "lag001", after, edited, Duration.ofSeconds(10))));
                }
                for (var p : polls.entrySet()) {
                    double ms = p.getValue().get();
                    byNode.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(ms);
                    if (!p.getKey().equals(editor)) {
                        peers.add(ms);
                    }
                }
            }
        }
        StringBuilder report = new StringBuilder("invalidation lag over " + edits + " edits made on A, B and C in turn, "
                + "each node polled until it serves the new target:");
        byNode.forEach((name, lags) -> report.append("\n  node ").append(name).append(": ").append(figures(lags)));
        report.append("\n  the two nodes that did not make the edit: ").append(figures(peers));
        System.out.println(report);
        List<Double> sorted = new ArrayList<>(peers);
        Collections.sort(sorted);
        assertThat(percentile(sorted, 0.99)).as("p99 lag of a peer, ms").isLessThan(BOUND.toMillis());
        for (var n : byNode.entrySet()) {
            List<Double> own = new ArrayList<>(n.getValue());
            Collections.sort(own);
            assertThat(percentile(own, 0.99)).as("p99 lag of node %s, ms", n.getKey()).isLessThan(BOUND.toMillis());
        }
    }

    @Test
    @Order(3)
    void clicksTakenByEveryNodeAddUpExactly() throws Exception {
        int each = 60;
        List<String> targets = new ArrayList<>(nodes.values().stream().map(ChildNode::baseUrl).toList());
        targets.add(proxy.baseUrl());
        nodes.get("b").expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"clk001\", \"url\": \"https://example.com/clicked\"}");
        List<HttpResponse<String>> viaProxy = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sent = new ArrayList<>();
            for (String base : targets) {
                sent.add(senders.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        HttpResponse<String> r = get(base, "/clk001");
                        assertThat(r.statusCode()).as("redirect %d through %s", i, base).isEqualTo(302);
                        if (base.equals(proxy.baseUrl())) {
                            viaProxy.add(r);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
        long n = (long) each * targets.size();
        assertThat(Haproxy.spread(viaProxy)).as("the proxy's share went to every node").containsOnlyKeys(NAMES);
        for (String base : targets) {
            await(n + " clicks in the stats read through " + base, Duration.ofSeconds(15), () -> clicks(base, "clk001") == n);
        }
        Thread.sleep(500); // five more flush intervals: nothing is counted twice
        for (String base : targets) {
            assertThat(clicks(base, "clk001")).as("clicks read through %s", base).isEqualTo(n);
        }
        assertThat(pg.single("SELECT sum(d.clicks) FROM click_days d JOIN links l ON l.id = d.link_id WHERE l.code = 'clk001'"))
                .as("in PostgreSQL").isEqualTo(n);
    }

    @Test
    @Order(4)
    void writersOnEveryNodeLeaveOneFeedWithoutGapsOrDuplicates() throws Exception {
        List<String> bases = new ArrayList<>(nodes.values().stream().map(ChildNode::baseUrl).toList());
        bases.add(proxy.baseUrl());
        // writers on A, B, C and the proxy; the followers ask each of them in turn
        FeedStress.run(bases, admin, HTTP);
    }

    /** A client's answer through the proxy: when, the status (0 for an I/O failure), and which node gave it. */
    private record Answer(long atNanos, int status, String node, String failure) {}

    @Test
    @Order(5)
    void aSignedInBrowserStaysOnTheNodeThatHoldsItsSession() throws Exception {
        HttpResponse<String> signedIn = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\": \"" + admin + "\"}")).header("content-type", "application/json")
                .header("origin", proxy.baseUrl()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        String setCookie = signedIn.headers().firstValue("set-cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String home = signedIn.headers().firstValue("x-shortr-node").orElseThrow();
        List<HttpResponse<String>> asked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> who = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/ui/session")).header("cookie", cookie)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(TestNode.parse(who.body()).get("signedIn").asBoolean()).as("signed in, ask %d", i + 1).isTrue();
            asked.add(who);
            HttpResponse<String> api = HTTP.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/api/v1/links?limit=1"))
                    .header("cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).as("the API with the session cookie: %s", api.body()).isEqualTo(200);
            asked.add(api);
        }
        assertThat(Haproxy.spread(asked)).as("answered by").containsOnlyKeys(home);
        HttpResponse<String> visitor = get(proxy.baseUrl(), "/abc123");
        assertThat(visitor.statusCode()).isEqualTo(302);
        assertThat(visitor.headers().firstValue("set-cookie")).as("stickiness costs a visitor no cookie").isEmpty();
    }

    @Test
    @Order(6)
    void throughTheProxyAStoppedNodeCostsNoRequestAndAKilledOneCostsFew() throws Exception {
        nodes.get("a").expect(201, "POST", "/api/v1/links", admin, "{\"code\": \"drn001\", \"url\": \"https://example.com/drain\"}");
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        long stopped;
        long killed;
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                clients.execute(() -> {
                    HttpClient http = ChildNode.client(); // keep-alive connections of its own to the proxy
                    while (sending.get()) {
                        try {
                            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(proxy.baseUrl() + "/drn001"))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                            answers.add(new Answer(System.nanoTime(), r.statusCode(), r.headers().firstValue("x-shortr-node").orElse("?"), null));
                        } catch (IOException e) {
                            answers.add(new Answer(System.nanoTime(), 0, "?", e.toString()));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            Thread.sleep(1000);
            stopped = System.nanoTime();
            nodes.get("c").close(); // SIGTERM: the listener closes first, requests in flight are answered
            assertThat(nodes.get("c").alive()).isFalse();
            Thread.sleep(1000);
            killed = System.nanoTime();
            nodes.get("b").kill();
            Thread.sleep(1500);
            sending.set(false);
        }
        List<Answer> all = List.copyOf(answers);
        List<Answer> beforeStop = all.stream().filter(a -> a.atNanos() < stopped).toList();
        List<Answer> beforeKill = all.stream().filter(a -> a.atNanos() < killed).toList();
        List<Answer> afterKill = all.stream().filter(a -> a.atNanos() >= killed).toList();
        List<Answer> lastSecond = afterKill.stream().filter(a -> a.atNanos() > killed + Duration.ofMillis(500).toNanos()).toList();
        List<Answer> failed = all.stream().filter(a -> a.status() != 302).toList();
        System.out.printf("through haproxy: %d redirects before node c's SIGTERM, %d from it to node b's SIGKILL, %d after; "
                + "%d failed %s%n", beforeStop.size(), beforeKill.size() - beforeStop.size(), afterKill.size(), failed.size(), failed);
        assertThat(beforeKill).as("answers until node b is killed, node c stopped gracefully meanwhile")
                .allSatisfy(a -> assertThat(a.status()).as("%s", a).isEqualTo(302));
        assertThat(beforeKill.stream().filter(a -> a.atNanos() > stopped + Duration.ofMillis(500).toNanos()).map(Answer::node))
                .as("answered by, half a second after node c stopped").isNotEmpty().doesNotContain("c");
        assertThat(afterKill.stream().filter(a -> a.status() != 302).count())
                .as("requests lost to the SIGKILL: at most those in flight on node b, one per client").isLessThanOrEqualTo(4);
        assertThat(lastSecond).as("a second after the kill, node a answers everything").isNotEmpty()
                .allSatisfy(a -> assertThat(a.status()).isEqualTo(302)).allSatisfy(a -> assertThat(a.node()).isEqualTo("a"));
    }
}
