package dev.shortr.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of the test's own, which it may stop and start again: {@code initdb} into a temporary
 * directory, {@code pg_ctl start} on a free loopback port (trust auth, user {@code postgres}), one database
 * {@code shortr}. Never the machine's server, which other tests share. PostgreSQL refuses to run as root, so as root
 * its programs run as the {@code postgres} user ({@code runuser}), as scripts/services.sh does. When PostgreSQL is not
 * installed the test fails, saying what to install, unless {@code SHORTR_TEST_PG=skip}: then it is skipped, loudly.
 */
final class PostgresServer implements AutoCloseable {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path dir;
    private final int port;
    private boolean running;
    private boolean frozen;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Initialises a cluster, starts it and creates the database {@code shortr}; returns once it accepts connections. */
    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        // not under the test's @TempDir: that is private to this user, and the server runs as postgres
        Path dir = Files.createTempDirectory("shortr-pg-");
        if (ROOT) {
            run(List.of("chown", "postgres:", dir.toString()));
        }
        PostgresServer s = new PostgresServer(bin, dir, ChildNode.freePort());
        s.asPostgres(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        s.startAgain();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + s.port + "/postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE shortr");
        } catch (SQLException e) {
            throw new AssertionError("cannot create the database on " + s.url() + ": " + e.getMessage(), e);
        }
        return s;
    }

    /** {@code postgres://postgres@127.0.0.1:PORT/shortr}: what {@code store.url} would say. */
    String url() {
        return "postgres://postgres@127.0.0.1:" + port + "/shortr";
    }

    int port() {
        return port;
    }

    /** (Re)starts the server on the same port and data; returns once it accepts connections. */
    void startAgain() throws IOException, InterruptedException {
        asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("postgres.log").toString(),
                "-w", "-t", "30", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir, "start");
        running = true;
    }

    /**
     * {@code pg_ctl stop -m immediate}: every backend ends at once, no checkpoint, as a crash would; connections
     * are cut, and new ones are refused until {@link #startAgain}.
     */
    void stop() throws IOException, InterruptedException {
        asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        running = false;
    }

    /**
     * Stops (SIGSTOP) or resumes (SIGCONT) the postmaster and every backend: a server that holds its connections and
     * answers nothing, as behind a network partition. New connections are accepted by the kernel and then hang.
     */
    void freeze(boolean frozen) throws IOException, InterruptedException {
        long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("data").resolve("postmaster.pid")).getFirst().strip());
        List<String> pids = new ArrayList<>(List.of(Long.toString(postmaster)));
        ProcessHandle.of(postmaster).orElseThrow().children().forEach(c -> pids.add(Long.toString(c.pid())));
        List<String> command = new ArrayList<>(List.of("kill", frozen ? "-STOP" : "-CONT"));
        command.addAll(pids);
        run(command);
        this.frozen = frozen;
    }

    private void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(command));
        run(c);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ":\n" + out);
        }
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} with {@code initdb} in it (Debian's layout). */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        String why = "no PostgreSQL server programs under /usr/lib/postgresql";
        if ("skip".equals(System.getenv("SHORTR_TEST_PG"))) {
            System.err.println("\n!!! SKIPPED (SHORTR_TEST_PG=skip): " + why + "\n");
            Assumptions.abort(why);
        }
        throw new AssertionError(why + ": install Debian's postgresql (./test does), or set SHORTR_TEST_PG=skip to skip");
    }

    /** Stops the server if it runs, and removes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (frozen) {
            freeze(false); // a stopped process acts on no signal but SIGCONT and SIGKILL
        }
        if (running) {
            stop();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
