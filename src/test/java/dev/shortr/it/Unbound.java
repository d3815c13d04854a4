package dev.shortr.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Unbound, a real recursive resolver, in front of an authoritative server for one zone (a stub zone), as
 * an ISP's resolver would sit in front of shortr: it caches by our TTLs and, with its {@code subnetcache} module,
 * sends its clients' subnets upstream (EDNS Client Subnet) and caches each answer for the scope we return.
 * Foreground ({@code -d}), config in {@code dir}, stopped through its process, never the machine's own unbound.
 */
final class Unbound implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(15);

    private final Process process;
    private final int port;
    private final Path log;

    private Unbound(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Resolves {@code zone} by asking only {@code 127.0.0.1@authorityPort}. */
    static Unbound stub(String zone, int authorityPort, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = ChildNode.freePort();
        Path config = Files.writeString(dir.resolve("unbound.conf"), """
                server:
                    interface: 127.0.0.1
                    port: %2$d
                    do-ip6: no
                    access-control: 127.0.0.0/8 allow
                    # foreground, as root, logging to stderr: no chroot, user switch, pid file or syslog
                    do-daemonize: no
                    username: ""
                    chroot: ""
                    pidfile: ""
                    directory: "%1$s"
                    use-syslog: no
                    logfile: ""
                    verbosity: 1
                    num-threads: 1
                    # the authority is on loopback, which Unbound refuses to ask by default
                    do-not-query-localhost: no
                    # one upstream question per client question, so counting them on shortr's side means something
                    qname-minimisation: no
                    prefetch: no
                    # no validator module: the test zone is unsigned
                    domain-insecure: "%3$s"
                    # EDNS Client Subnet (RFC 7871): send the client's subnet to this authority (the client's own
                    # option when it sent one, else its address), and cache each answer for the scope it returns
                    module-config: "subnetcache iterator"
                    send-client-subnet: 127.0.0.1
                    client-subnet-always-forward: yes
                stub-zone:
                    name: "%3$s"
                    stub-addr: 127.0.0.1@%4$d
                """.formatted(dir.toAbsolutePath(), port, zone, authorityPort));
        Path log = dir.resolve("unbound.log");
        Process p;
        try {
            p = new ProcessBuilder("unbound", "-d", "-c", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("'unbound' cannot be run (" + e.getMessage() + "): install Debian's unbound "
                    + "(apt-get install unbound; ./test does)", e);
        }
        Unbound u = new Unbound(p, port, log);
        try {
            u.awaitServing();
        } catch (AssertionError | InterruptedException e) {
            u.close();
            throw e;
        }
        return u;
    }

    int port() {
        return port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Until it answers: {@code localhost.} from its built-in local zone, which asks no authority. */
    private void awaitServing() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("unbound exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                List<Dig.Response> r = Dig.askAll(port, "localhost.", "A", "+time=1");
                if (!r.isEmpty() && r.getFirst().status().equals("NOERROR")) {
                    return;
                }
            } catch (AssertionError e) {
                // not listening yet: dig timed out
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("unbound did not answer within " + START.toSeconds() + " s:\n" + log());
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
