package dev.shortr.bench;

import dev.shortr.app.EdgeNode;
import dev.shortr.app.Node;
import dev.shortr.config.ConfigLoader;
import dev.shortr.config.ShortrConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The harness of {@code bench/edge}'s lag part: an origin node and {@code EDGES} edges ({@code shortr edge}) in this JVM
 * on loopback, each edge with its own replica. One link's target is edited through the origin's API ({@code PATCH});
 * the lag of an edit at an edge is the time from the origin's answer (the edit is committed) until that edge first
 * answers with the new target, and its lag at "all edges" the time until the last of them does. Before each edit every
 * edge is asked once and must answer the old target, so it holds it in its redirect cache. The edges are polled in
 * turn, back to back, over one keep-alive connection each, so an edge is asked again a few tens of microseconds after
 * its last answer (the harness prints the mean interval).
 *
 * <pre>
 * java -cp ... dev.shortr.bench.EdgeLag DATA_DIR EDGES EDITS
 * </pre>
 */
public final class EdgeLag {
    private static final Pattern ADMIN_KEY = Pattern.compile("admin key \\(shown once, store it now\\): (sk_\\S+)");
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"(sk_[^\"]+)\"");
    private static final String CODE = "edgelag1";
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String origin;
    private final String adminKey;
    private final List<Poller> edges = new ArrayList<>();
    private int version;
    private long polls;
    private long pollingNanos;

    private EdgeLag(String origin, String adminKey) {
        this.origin = origin;
        this.adminKey = adminKey;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EdgeLag DATA_DIR EDGES EDITS");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        int edgeCount = Integer.parseInt(args[1]);
        int edits = Integer.parseInt(args[2]);
        ShortrConfig config = ConfigLoader.load(null, Map.of(), Map.of("server.host", "127.0.0.1", "server.port", "0",
                "server.ioThreads", "1", "store.dataDir", data.resolve("origin").toString(), "rateLimit.enabled", "false"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Node originNode = Node.start(config, new PrintStream(console, true, StandardCharsets.UTF_8));
        List<EdgeNode> edgeNodes = new ArrayList<>();
        try {
            Matcher m = ADMIN_KEY.matcher(console.toString(StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("the origin printed no admin key: " + console);
            }
            EdgeLag bench = new EdgeLag(originNode.baseUrl(), m.group(1));
            bench.create();
            String replicationKey = bench.mintReplicationKey();
            for (int i = 1; i <= edgeCount; i++) {
                // as `shortr edge` runs: one event loop, long polls of 25 s
                EdgeNode e = EdgeNode.start(new EdgeNode.Settings(URI.create(originNode.baseUrl()), replicationKey,
                        data.resolve("edge-" + i), "127.0.0.1", 0, 1, null, Duration.ofSeconds(25), Duration.ZERO));
                edgeNodes.add(e);
                if (!e.awaitLoaded(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("edge " + i + " did not load the origin's snapshot within 60 s");
                }
                bench.edges.add(new Poller("edge " + i, e.port()));
            }
            bench.measure(Math.min(100, edits)); // the JIT's turn, not counted
            bench.polls = 0;
            bench.pollingNanos = 0;
            List<double[]> lags = bench.measure(edits);
            for (int i = 0; i < edgeCount; i++) {
                int edge = i;
                report(bench.edges.get(i).name, lags.stream().map(l -> l[edge]).toList());
            }
            report("all edges", lags.stream().map(l -> l[edgeCount]).toList());
            report("origin PATCH", lags.stream().map(l -> l[edgeCount + 1]).toList());
            System.out.printf(Locale.ROOT, "polling: %d polls; each edge was asked again every %.0f us on average%n", bench.polls,
                    bench.polls == 0 ? 0 : bench.pollingNanos / 1e3 / bench.polls * edgeCount);
        } finally {
            edgeNodes.forEach(EdgeNode::close);
            originNode.close();
        }
    }

    /**
     * {@code edits} edits; for each, the lag in ms at every edge, then at all edges (the slowest), then the time the
     * origin took to answer the PATCH.
     */
    private List<double[]> measure(int edits) throws IOException, InterruptedException {
        List<double[]> out = new ArrayList<>(edits);
        for (int n = 0; n < edits; n++) {
            String old = target(version);
            for (Poller e : edges) {
                String now = e.location(CODE);
                if (!now.equals(old)) {
                    throw new IllegalStateException(e.name + " answers " + now + " before edit " + (version + 1) + ", not " + old);
                }
            }
            version++;
            String expected = target(version);
            long sent = System.nanoTime();
            HttpResponse<String> r = api("PATCH", "/api/v1/links/" + CODE, "{\"url\":\"" + expected + "\"}");
            long edited = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("edit " + version + ": " + r.statusCode() + " " + r.body());
            }
            double[] lag = new double[edges.size() + 2];
            int pending = edges.size();
            boolean[] done = new boolean[edges.size()];
            while (pending > 0) {
                for (int i = 0; i < edges.size(); i++) {
                    if (done[i]) {
                        continue;
                    }
                    String now = edges.get(i).location(CODE);
                    polls++;
                    long t = System.nanoTime();
                    if (now.equals(expected)) {
                        done[i] = true;
                        pending--;
                        lag[i] = (t - edited) / 1e6;
                    } else if (t - edited > WITHIN.toNanos()) {
                        throw new IllegalStateException(edges.get(i).name + " did not serve edit " + version + " within " + WITHIN
                                + "; it answers " + now);
                    }
                }
            }
            pollingNanos += System.nanoTime() - edited;
            for (int i = 0; i < edges.size(); i++) {
                lag[edges.size()] = Math.max(lag[edges.size()], lag[i]);
            }
            lag[edges.size() + 1] = (edited - sent) / 1e6;
            out.add(lag);
        }
        return out;
    }

    private void create() throws IOException, InterruptedException {
        // not tracked: the polls are not clicks, so no click batches flow to the origin while it is measured
        HttpResponse<String> r = api("POST", "/api/v1/links",
                "{\"code\":\"" + CODE + "\",\"url\":\"" + target(0) + "\",\"track\":false}");
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create: " + r.statusCode() + " " + r.body());
        }
    }

    private String mintReplicationKey() throws IOException, InterruptedException {
        HttpResponse<String> r = api("POST", "/api/v1/keys", "{\"name\":\"edges\",\"scopes\":[\"replication\"]}");
        Matcher m = KEY.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("minting a replication key: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    private static String target(int v) {
        return "https://example.com/edited/" + v;
    }

    private HttpResponse<String> api(String method, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(origin + path)).header("authorization", "Bearer " + adminKey)
                .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A raw HTTP/1.1 client on one keep-alive connection: a GET of a short link, answered with its {@code location} (or
     * the status when there is none). It costs a write and a read per poll, nothing the JDK's client adds on top.
     */
    private static final class Poller {
        final String name;
        private final int port;
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Poller(String name, int port) {
            this.name = name;
            this.port = port;
        }

        String location(String code) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(5_000);
                in = new BufferedInputStream(socket.getInputStream(), 8192);
                out = socket.getOutputStream();
            }
            try {
                out.write(("GET /" + code + " HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = line();
                String location = null;
                long length = 0;
                boolean close = false;
                for (String h = line(); !h.isEmpty(); h = line()) {
                    int colon = h.indexOf(':');
                    String name = h.substring(0, Math.max(colon, 0)).toLowerCase(Locale.ROOT);
                    String value = h.substring(colon + 1).strip();
                    switch (name) {
                        case "location" -> location = value;
                        case "content-length" -> length = Long.parseLong(value);
                        case "connection" -> close = value.equalsIgnoreCase("close");
                        default -> { }
                    }
                }
                in.skipNBytes(length);
                if (close) {
                    reset();
                }
                return location != null ? location : status;
            } catch (IOException e) {
                reset(); // the next poll opens a new connection
                throw e;
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException(name + " closed the connection");
                }
                if (c != '\r') {
                    s.append((char) c);
                }
            }
            return s.toString();
        }

        private void reset() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing to do
            }
            socket = null;
        }
    }

    private static void report(String what, List<Double> lags) {
        List<Double> sorted = new ArrayList<>(lags);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "%-13s edits %5d   p50 %8.2f ms   p90 %8.2f ms   p99 %8.2f ms   max %8.2f ms%n", what,
                sorted.size(), at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted.getLast());
    }

    private static double at(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
