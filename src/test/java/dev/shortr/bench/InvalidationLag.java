package dev.shortr.bench;

import dev.shortr.app.Node;
import dev.shortr.app.Stores;
import dev.shortr.config.ConfigLoader;
import dev.shortr.config.ShortrConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The harness of {@code bench/invalidation}: two nodes in this JVM on one store (as nodes share PostgreSQL) and one
 * Redis. Each edit is a {@code PATCH} of one link's target through node A's API; its lag is the time from A's answer
 * (the edit is committed and announced) until node B, asked over and over, first answers with the new target. Before
 * each edit B is asked once, so it answers the old target from its cache. The nodes read the change feed only hourly
 * while Redis is up, so the first figures are pub/sub's; then Redis is killed and the same is measured again, where
 * the change feed read every {@code redis.fallbackCacheTtl} brings each edit (the edits then come after a random pause of
 * up to that interval, so they do not fall in step with the reads).
 *
 * <pre>
 * java -cp ... dev.shortr.bench.InvalidationLag REDIS_URL REDIS_PID DATA_DIR EDITS DOWN_EDITS FALLBACK_TTL
 * </pre>
 */
public final class InvalidationLag {
    private static final Pattern ADMIN_KEY = Pattern.compile("admin key \\(shown once, store it now\\): (sk_\\S+)");
    private static final String CODE = "lag0001";

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String a;
    private final String b;
    private final String key;
    private int version;

    private InvalidationLag(String a, String b, String key) {
        this.a = a;
        this.b = b;
        this.key = key;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: InvalidationLag REDIS_URL REDIS_PID DATA_DIR EDITS DOWN_EDITS FALLBACK_TTL");
            System.exit(2);
        }
        int edits = Integer.parseInt(args[3]);
        int downEdits = Integer.parseInt(args[4]);
        Map<String, String> flags = new HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0", "server.ioThreads", "1",
                "store.dataDir", args[2], "rateLimit.enabled", "false", "redis.url", args[0],
                "redis.catchUpInterval", "1h", "redis.fallbackCacheTtl", args[5]));
        ShortrConfig config = ConfigLoader.load(null, Map.of(), flags);
        try (Stores stores = Stores.open(config.store())) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            Node nodeA = Node.startOn(stores, config, new PrintStream(console, true, StandardCharsets.UTF_8));
            Node nodeB = Node.startOn(stores, config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                Matcher m = ADMIN_KEY.matcher(console.toString(StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IllegalStateException("node A printed no admin key: " + console);
                }
                InvalidationLag bench = new InvalidationLag(nodeA.baseUrl(), nodeB.baseUrl(), m.group(1));
                bench.create();
                bench.measure(Math.min(100, edits), Duration.ofSeconds(5), 0); // the JIT's turn, not counted
                report("redis up", bench.measure(edits, Duration.ofSeconds(5), 0));
                if (downEdits > 0) {
                    ProcessHandle.of(Long.parseLong(args[1])).orElseThrow(() -> new IllegalStateException("no Redis pid " + args[1]))
                            .destroyForcibly();
                    bench.awaitDown();
                    // edits at random moments of the feed's interval, not in step with it
                    report("redis down", bench.measure(downEdits, Duration.ofSeconds(10), config.redis().fallbackCacheTtl().toMillis()));
                }
            } finally {
                nodeA.close();
                nodeB.close();
            }
        }
    }

    private void create() throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(a + "/api/v1/links"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + CODE + "\",\"url\":\"" + target(0) + "\"}")).build());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create: " + r.statusCode() + " " + r.body());
        }
    }

    private static String target(int v) {
        return "https://example.com/p/" + v;
    }

    /** Lags of {@code edits} edits, in ms, each waited for at most {@code within}, each after a pause of up to {@code jitterMs}. */
    private List<Double> measure(int edits, Duration within, long jitterMs) throws IOException, InterruptedException {
        List<Double> lags = new ArrayList<>(edits);
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < edits; i++) {
            if (jitterMs > 0) {
                Thread.sleep(random.nextLong(jitterMs));
            }
            String old = location(b);
            if (!old.equals(target(version))) {
                throw new IllegalStateException("node B answers " + old + " before edit " + (version + 1));
            }
            version++;
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(a + "/api/v1/links/" + CODE))
                    .header("authorization", "Bearer " + key).header("content-type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"url\":\"" + target(version) + "\"}")).build());
            long edited = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("edit: " + r.statusCode() + " " + r.body());
            }
            String expected = target(version);
            while (!location(b).equals(expected)) {
                if (System.nanoTime() - edited > within.toNanos()) {
                    throw new IllegalStateException("node B did not serve edit " + version + " within " + within);
                }
            }
            lags.add((System.nanoTime() - edited) / 1e6);
        }
        return lags;
    }

    private void awaitDown() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!metrics(b).contains("\nshortr_redis_up 0.0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("node B still counts Redis as up 10 s after it was killed");
            }
            Thread.sleep(50);
        }
    }

    private String location(String node) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(node + "/" + CODE)).GET().build());
        return r.headers().firstValue("location").orElse(Integer.toString(r.statusCode()));
    }

    private String metrics(String node) throws IOException, InterruptedException {
        return "\n" + send(HttpRequest.newBuilder(URI.create(node + "/metrics")).GET().build()).body();
    }

    private HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static void report(String phase, List<Double> lags) {
        List<Double> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        System.out.printf("%-10s edits %5d   p50 %8.2f ms   p90 %8.2f ms   p99 %8.2f ms   max %8.2f ms%n", phase, sorted.size(),
                at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted.getLast());
    }

    private static double at(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
