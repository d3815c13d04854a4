package dev.shortr.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code varnishd} (7.1, with varnish-modules' xkey) in front of a node, running the VCL operators are given,
 * {@code deploy/varnish/shortr.vcl}, with only the backend's port put in. The config and the work directory are the
 * test's own, in {@code dir}; the process is the test's own (foreground, {@code -F}), stopped by its pid. It runs
 * without a jail ({@code -j none}), as the user running the tests, so a temporary directory only that user may enter
 * does not stop its worker process.
 */
final class Varnish implements AutoCloseable {
    static final Path VCL = Path.of("deploy/varnish/shortr.vcl");
    private static final Duration START = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path dir;
    private final HttpClient http = ChildNode.client();

    private Varnish(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts one in front of the node at 127.0.0.1:{@code backendPort}; returns once it answers. */
    static Varnish start(Path dir, int backendPort) throws IOException, InterruptedException {
        return start(dir, backendPort, ChildNode.freePort());
    }

    /** As {@link #start(Path, int)}, listening on {@code port} (for a node told beforehand where to send purges). */
    static Varnish start(Path dir, int backendPort, int port) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String vcl = Files.readString(VCL);
        if (!vcl.contains(".port = \"8080\";")) {
            throw new AssertionError(VCL + " no longer names its backend as .port = \"8080\"; update Varnish.start");
        }
        Path config = Files.writeString(dir.resolve("shortr.vcl"), vcl.replace(".port = \"8080\";", ".port = \"" + backendPort + "\";"));
        Process p;
        try {
            p = new ProcessBuilder("varnishd", "-F", "-j", "none", "-n", dir.resolve("work").toString(),
                    "-a", "127.0.0.1:" + port, "-f", config.toString(), "-s", "malloc,32m",
                    // one worker pool, few threads: enough for a test, light on a 2-core machine
                    "-p", "thread_pools=1", "-p", "thread_pool_min=10")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("varnish.log").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("'varnishd' cannot be run (" + e.getMessage() + "): install Debian's varnish and "
                    + "varnish-modules (apt-get install varnish varnish-modules; ./test does)", e);
        }
        Varnish v = new Varnish(p, port, dir);
        v.awaitServing();
        return v;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** GET through Varnish. */
    HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** {@code PURGE} of {@code path}, with an {@code xkey} header naming {@code keys} unless it is null. */
    HttpResponse<String> purge(String path, String keys) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .method("PURGE", HttpRequest.BodyPublishers.noBody());
        if (keys != null) {
            b.header("xkey", keys);
        }
        return send(b.build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e + "; varnish log: " + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether Varnish answered from its cache: its {@code X-Cache} header (the VCL sets HIT or MISS). */
    static String cache(HttpResponse<?> r) {
        return r.headers().firstValue("x-cache").orElse("(none)");
    }

    /**
     * Freezes the worker process (SIGSTOP): connections are accepted by the kernel and never answered, as with a
     * cache that hangs. Its objects stay in memory, so what it held before is still there after {@link #resume}.
     */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        List<ProcessHandle> workers = process.descendants().toList();
        if (workers.isEmpty()) {
            throw new AssertionError("varnishd " + process.pid() + " has no worker process: " + log());
        }
        for (ProcessHandle w : workers) {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(w.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill " + signal + " " + w.pid() + " failed");
            }
        }
    }

    private void awaitServing() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("varnishd exited with " + process.exitValue() + ": " + log());
            }
            try {
                // the VCL passes /healthz to the node: any answer, even a 503 from a node that is down, means it serves
                http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("varnishd did not answer within " + START.toSeconds() + " s: " + log());
                }
            }
            Thread.sleep(50);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("varnish.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Resumes a paused worker, then SIGTERM to the manager's pid, and SIGKILL if it lingers. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            try {
                resume();
            } catch (AssertionError e) {
                // no worker left to resume
            }
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
