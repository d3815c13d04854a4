package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code shortr serve} in a child JVM, on a port picked here, with stdout and stderr in files: for the tests
 * that kill a node with SIGKILL and start it again on the same data.
 */
final class ChildNode implements AutoCloseable {
    private static final Pattern ADMIN_KEY = Pattern.compile("admin key \\(shown once, store it now\\): (sk_\\S+)");

    private final Process process;
    private final int port;
    private final Path out;
    private final Path err;
    private final HttpClient http = client();

    private ChildNode(Process process, int port, Path out, Path err) {
        this.process = process;
        this.port = port;
        this.out = out;
        this.err = err;
    }

    static HttpClient client() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Serves {@code data} with one I/O thread; {@code config} may be null. Logs go to {@code logs}. */
    static ChildNode serve(Path config, Path data, Path logs) throws IOException {
        return serve(config, data, logs, freePort());
    }

    /** As {@link #serve(Path, Path, Path)}, on {@code port}: for a peer that must know the port before the node starts. */
    static ChildNode serve(Path config, Path data, Path logs, int port) throws IOException {
        return serve(config, data, logs, port, java.util.Map.of());
    }

    /** As {@link #serve(Path, Path, Path, int)}, with {@code env} added to the child's environment ({@code SHORTR_STORE}, say). */
    static ChildNode serve(Path config, Path data, Path logs, int port, java.util.Map<String, String> env) throws IOException {
        Files.createDirectories(logs);
        Path out = logs.resolve("stdout.log");
        Path err = logs.resolve("stderr.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.shortr.app.Main", "serve"));
        if (config != null) {
            command.addAll(List.of("--config", config.toString()));
        }
        command.addAll(List.of("--port", Integer.toString(port), "--data", data.toString(), "--io-threads", "1"));
        ProcessBuilder b = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        return new ChildNode(p, port, out, err);
    }

    /** A port free now (and very likely still free a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** An API call that must answer {@code status}; returns the body. */
    String expect(int status, String method, String path, String key, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + key)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + logs(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(r.statusCode()).as("%s %s -> %s", method, path, r.body()).isEqualTo(status);
        return r.body();
    }

    String awaitAdminKey() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = ADMIN_KEY.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group(1);
            }
            failIfDead("printing the admin key");
            Thread.sleep(50);
        }
        throw new AssertionError("no admin key printed within 30 s" + logs());
    }

    void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            failIfDead("answering /healthz");
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("/healthz did not answer 200 within 30 s" + logs());
    }

    private void failIfDead(String doing) {
        if (!process.isAlive()) {
            throw new AssertionError("'shortr serve' exited with " + process.exitValue() + " before " + doing + logs());
        }
    }

    /** Everything the child has written so far, stdout then stderr (where its log goes), untruncated. */
    String output() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);
    }

    /** The ends of the child's stdout and stderr, for a failure message. */
    String logs() {
        try {
            return "\n--- stdout ---\n" + tail(Files.readString(out)) + "\n--- stderr ---\n" + tail(Files.readString(err));
        } catch (IOException e) {
            return " (logs unreadable: " + e + ")";
        }
    }

    private static String tail(String s) {
        return s.length() > 4000 ? "…" + s.substring(s.length() - 4000) : s;
    }

    /** SIGKILL: no shutdown hook, no flush, no close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed child exits").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
