package dev.shortr.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx (nginx-light) as a reference server: the test writes its {@code server} blocks, and nginx runs
 * in the foreground ({@code daemon off}) with its config, pid, logs and temp files in {@code dir}. Stopped by its
 * process (SIGTERM, then SIGKILL to it and its workers).
 */
final class Nginx implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(10);

    private final Process process;
    private final Path dir;

    private Nginx(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Starts one with {@code servers} (the text inside {@code http { }}); returns once every port in {@code ports} accepts. */
    static Nginx start(Path dir, String servers, List<Integer> ports) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("logs"));
        Path config = Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s
                }
                """.formatted(dir, servers));
        Process p;
        try {
            p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", config.toString(), "-e", dir.resolve("logs/error.log").toString(),
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("'nginx' cannot be run (" + e.getMessage() + "): install Debian's nginx-light "
                    + "(apt-get install nginx-light; ./test does)", e);
        }
        Nginx n = new Nginx(p, dir);
        try {
            n.awaitListening(ports);
        } catch (AssertionError | InterruptedException e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void awaitListening(List<Integer> ports) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        for (int port : ports) {
            while (true) {
                if (!process.isAlive()) {
                    throw new AssertionError("nginx exited with " + process.exitValue() + ": " + log());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("nginx did not listen on " + port + " within " + START.toSeconds() + " s: " + log(), e);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    String log() throws IOException {
        Path out = dir.resolve("logs/nginx.out");
        Path err = dir.resolve("logs/error.log");
        return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(err) ? Files.readString(err) : "");
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> workers = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        workers.forEach(ProcessHandle::destroyForcibly); // a master killed hard leaves its workers behind
    }
}
