package dev.shortr.it;

import dev.shortr.dns.zone.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Record;

/**
 * Debian's Knot DNS ({@code knotd}, package knot), serving the static records of a {@link Zone} from a master file
 * written from {@link Zone#staticRecords()} (dnsjava's {@code Record.toString()} is master-file syntax), so that it
 * serves exactly the data shortr serves. Foreground, config, zone file, run and storage directories all in
 * {@code dir}; stopped through its process, never the machine's own knotd.
 */
final class Knot implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path log;

    private Knot(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Knot serve(Zone zone, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("storage"));
        String origin = zone.origin().toString();
        StringBuilder master = new StringBuilder("$ORIGIN ").append(origin).append('\n');
        for (Record r : zone.staticRecords()) {
            master.append(r).append('\n');
        }
        Files.writeString(dir.resolve(origin + "zone"), master);
        int port = ChildNode.freePort();
        Path config = Files.writeString(dir.resolve("knot.conf"), """
                server:
                    rundir: "%1$s/run"
                    listen: 127.0.0.1@%2$d
                database:
                    storage: "%1$s/storage"
                log:
                  - target: stderr
                    any: info
                template:
                  - id: default
                    storage: "%1$s"
                    file: "%%s.zone"
                    # serve the file as it is: never write it back, sign it or keep a journal
                    zonefile-sync: -1
                    journal-content: none
                zone:
                  - domain: %3$s
                """.formatted(dir.toAbsolutePath(), port, origin));
        Path log = dir.resolve("knotd.log");
        Process p;
        try {
            p = new ProcessBuilder("knotd", "-c", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("'knotd' cannot be run (" + e.getMessage() + "): install Debian's knot "
                    + "(apt-get install knot; ./test does)", e);
        }
        Knot knot = new Knot(p, port, log);
        try {
            knot.awaitZone(origin);
        } catch (AssertionError | InterruptedException e) {
            knot.close();
            throw e;
        }
        return knot;
    }

    int port() {
        return port;
    }

    /** Until the zone is loaded: the SOA is answered with aa. */
    private void awaitZone(String origin) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("knotd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                List<Dig.Response> r = Dig.askAll(port, origin, "SOA", "+time=1");
                if (!r.isEmpty() && r.getFirst().flag("aa") && r.getFirst().answer().size() == 1) {
                    return;
                }
            } catch (AssertionError e) {
                // not listening yet: dig timed out
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("knotd did not serve " + origin + " within " + START.toSeconds() + " s:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
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
