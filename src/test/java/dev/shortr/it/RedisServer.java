package dev.shortr.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis of the test's own ({@code redis-server} on a free loopback port, no persistence), which a test may stop,
 * freeze and start again: never the machine's Redis, which other runs share. When {@code redis-server} cannot be run
 * the test fails, saying what to install, unless {@code SHORTR_TEST_REDIS=skip}: then it is skipped, loudly.
 */
public final class RedisServer implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(10);

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts one in {@code dir} (its log goes there) and returns once it answers PING. */
    public static RedisServer start(Path dir) throws IOException, InterruptedException {
        RedisServer r = new RedisServer(dir, freePort());
        Files.createDirectories(dir);
        r.startAgain();
        return r;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** (Re)starts the server on the same port, empty (nothing is persisted); returns once it answers PING. */
    public void startAgain() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            unavailable("'redis-server' cannot be run (" + e.getMessage() + ")");
        }
        long deadline = System.nanoTime() + START.toNanos();
        while (!"+PONG".equals(ping())) {
            if (!process.isAlive()) {
                unavailable("redis-server exited with " + process.exitValue() + "; see " + dir.resolve("redis.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("redis-server on port " + port + " did not answer PING within " + START.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("redis-server on port " + port + " did not die");
        }
    }

    /** Stops (SIGSTOP) or resumes (SIGCONT) the server: a Redis that holds its connections and answers nothing. */
    public void freeze(boolean frozen) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid())).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new AssertionError("kill " + (frozen ? "-STOP" : "-CONT") + " " + process.pid() + " failed");
        }
    }

    /** The reply to one command sent inline (RESP's inline form), first line only, or null when it does not answer. */
    public String command(String inline) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    private String ping() {
        return command("PING");
    }

    private static void unavailable(String why) {
        String hint = "these tests need Redis: install Debian's redis-server (apt-get install redis-server; ./test does), "
                + "or set SHORTR_TEST_REDIS=skip to skip them";
        if ("skip".equals(System.getenv("SHORTR_TEST_REDIS"))) {
            String message = "SKIPPED (SHORTR_TEST_REDIS=skip): " + why + "; the Redis tests did not run";
            System.err.println("\n!!! " + message + "\n");
            Assumptions.abort(message);
        }
        throw new AssertionError(why + "; " + hint);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            try {
                freeze(false); // a frozen server ignores SIGTERM until resumed
            } catch (IOException e) {
                // it is killed below all the same
            }
            kill();
        }
    }
}
