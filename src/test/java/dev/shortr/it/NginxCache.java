package dev.shortr.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx in front of a node, with {@code deploy/nginx/shortr-cache.conf} included in its http block as an
 * operator would drop it into conf.d, only its listen address, upstream port and cache directory put in. The main
 * config around it, the cache and the temporary files are the test's own, in {@code dir}; the process is the test's
 * own (foreground), stopped by its pid.
 */
final class NginxCache implements AutoCloseable {
    static final Path CONF = Path.of("deploy/nginx/shortr-cache.conf");
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path dir;
    private final HttpClient http = ChildNode.client();

    private NginxCache(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    static NginxCache start(Path dir, int backendPort) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("tmp"));
        int port = ChildNode.freePort();
        String shipped = Files.readString(CONF);
        for (String expected : new String[] {"listen 80;", "server 127.0.0.1:8080;", "/var/cache/nginx/shortr"}) {
            if (!shipped.contains(expected)) {
                throw new AssertionError(CONF + " no longer says '" + expected + "'; update NginxCache.start");
            }
        }
        Path site = Files.writeString(dir.resolve("shortr-cache.conf"), shipped
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";")
                .replace("server 127.0.0.1:8080;", "server 127.0.0.1:" + backendPort + ";")
                .replace("/var/cache/nginx/shortr", dir.resolve("cache").toString()));
        // workers run as root: the test's temporary directory is its user's alone
        Path main = Files.writeString(dir.resolve("nginx.conf"), """
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    include %2$s;
                }
                """.formatted(dir, site));
        Process p;
        try {
            p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", main.toString(), "-e", dir.resolve("error.log").toString(),
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("'nginx' cannot be run (" + e.getMessage() + "): install Debian's nginx-light "
                    + "(apt-get install nginx-light; ./test does)", e);
        }
        NginxCache n = new NginxCache(p, port, dir);
        n.awaitServing();
        return n;
    }

    HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + pathAndQuery + " through nginx failed: " + e + "; " + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What nginx's cache did: {@code $upstream_cache_status} (HIT, MISS, EXPIRED, STALE, UPDATING, BYPASS). */
    static String cache(HttpResponse<?> r) {
        return r.headers().firstValue("x-cache").orElse("(none)");
    }

    private void awaitServing() throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with " + process.exitValue() + ": " + log());
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nginx did not answer within " + START.toSeconds() + " s: " + log());
                }
            }
            Thread.sleep(50);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("nginx.out")) + Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM to the master's pid (it stops its workers), then SIGKILL if it lingers. */
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
