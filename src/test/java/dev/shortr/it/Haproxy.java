package dev.shortr.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code haproxy} in front of a set of nodes, as an operator would put it (docs/scaling.md): round robin,
 * each server checked on {@code /healthz} every 250 ms, a redirect its node did not answer sent to another, a
 * signed-in browser kept on the node that holds its session. The config is written by the test into {@code dir}; the process is the
 * test's own (foreground, {@code -db}), stopped by its pid. Every answer carries {@code x-shortr-node}, the name of
 * the server that gave it, so a test can see where a request went.
 */
final class Haproxy implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path dir;

    private Haproxy(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts one over {@code servers} (name to base URL, {@code http://127.0.0.1:PORT}); returns once every server is up. */
    static Haproxy start(Path dir, Map<String, String> servers) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = ChildNode.freePort();
        StringBuilder backend = new StringBuilder();
        servers.forEach((name, base) -> backend.append("    server ").append(name).append(' ')
                .append(URI.create(base).getAuthority()).append(" check inter 250ms fall 2 rise 1\n"));
        Path config = Files.writeString(dir.resolve("haproxy.cfg"), """
                global
                    maxconn 1024
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                    option forwardfor
                    # a request whose node refused the connection or closed it unanswered (stopping, killed) goes to another
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response response-timeout
                frontend shortr
                    bind 127.0.0.1:%d
                    default_backend nodes
                backend nodes
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /healthz
                    http-check expect status 200
                    # only a GET or HEAD is sent again once a node may have seen it: a create must not be made twice
                    http-request disable-l7-retry unless METH_GET
                    http-response set-header x-shortr-node %%s
                    # the web UI's sessions live in the memory of the node that signed the browser in
                    stick-table type string len 64 size 100k expire 12h
                    stick on req.cook(shortr_session)
                    stick store-response res.cook(shortr_session)
                %s""".formatted(port, backend));
        Process p;
        try {
            p = new ProcessBuilder("haproxy", "-db", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("'haproxy' cannot be run (" + e.getMessage() + "): install Debian's haproxy "
                    + "(apt-get install haproxy; ./test does)", e);
        }
        Haproxy h = new Haproxy(p, port, dir);
        h.awaitServing(servers.keySet());
        return h;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    /** Until requests through the proxy have been answered by every one of {@code names}: all checked and up. */
    private void awaitServing(Set<String> names) throws IOException, InterruptedException {
        HttpClient http = ChildNode.client();
        Set<String> seen = new HashSet<>();
        long deadline = System.nanoTime() + START.toNanos();
        while (!seen.containsAll(names)) {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited with " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("haproxy did not reach every server within " + START.toSeconds() + " s (answered by "
                        + seen + "): " + log());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                r.headers().firstValue("x-shortr-node").ifPresent(seen::add);
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
    }

    /** How many of {@code responses} each server answered, by name. */
    static Map<String, Integer> spread(Iterable<? extends HttpResponse<?>> responses) {
        Map<String, Integer> by = new LinkedHashMap<>();
        for (HttpResponse<?> r : responses) {
            by.merge(r.headers().firstValue("x-shortr-node").orElse("?"), 1, Integer::sum);
        }
        return by;
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    /** SIGTERM to its pid, then SIGKILL if it lingers. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
