package dev.shortr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.metrics.Metrics;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code shortr dns}: the authoritative DNS role, plus {@code check} for a zone file and {@code status} for pool health. */
@Command(name = "dns", description = {"Run the authoritative DNS server for the short domain (the traffic director).",
        "Answers from a YAML zone: static records, and pools of health-checked sites by weighted, geo, nearest or failover policy."},
        subcommands = {DnsCommand.Check.class, DnsCommand.Status.class})
final class DnsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--zone", paramLabel = "FILE", description = "The zone file (YAML; see docs/dns.md). Reloaded when it changes.")
    Path zone;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "53", description = "UDP and TCP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Listener threads, 1..64 (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address of the status listener: /healthz, /readyz, /metrics, /api/v1/dns/pools (default ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8053", description = "Port of the status listener; -1 for none (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--geo-database", paramLabel = "FILE", description = "A GeoIP2/GeoLite2 .mmdb for geo.countries.")
    Path geoDatabase;

    @Override
    public Integer call() throws Exception {
        if (zone == null) {
            throw new Failure(Failure.USAGE, "missing --zone FILE (or a command: check, status); see 'shortr dns --help'");
        }
        if (port < 0 || port > 65_535 || threads < 1 || threads > 64 || httpPort < -1 || httpPort > 65_535) {
            throw new Failure(Failure.USAGE, "--port is 0..65535, --threads 1..64 and --http-port -1..65535");
        }
        if (geoDatabase != null && !Files.isRegularFile(geoDatabase)) {
            throw Failure.of("--geo-database " + geoDatabase + ": no such file");
        }
        GeoLookup geo = geoDatabase == null ? GeoLookup.none() : GeoLookup.open(geoDatabase);
        DnsRole role;
        try {
            role = DnsRole.start(zone, new DnsServer.Settings(host, port, threads, 512), geo);
        } catch (ZoneFile.Invalid e) {
            PrintWriter err = spec.commandLine().getErr();
            e.problems().forEach(p -> err.println("zone: " + p));
            return Failure.FAILED;
        }
        Metrics metrics = new Metrics();
        role.register(metrics);
        int statusPort;
        try {
            statusPort = httpPort < 0 ? -1 : role.statusListener(httpHost, httpPort, metrics);
        } catch (RuntimeException e) {
            role.close();
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("shortr dns: serving " + role.zone().origin() + " on " + host + ":" + role.port() + " (udp, tcp)"
                + (statusPort < 0 ? "" : "; status on http://" + httpHost + ":" + statusPort));
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            role.close();
            stopped.countDown();
        }, "dns-stop"));
        stopped.await();
        return 0;
    }

    /** {@code shortr dns check FILE}: loads a zone as the server would and lists every problem. */
    @Command(name = "check", description = "Check a zone file: list every problem, or summarise what it serves.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The zone file.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                Zone z = ZoneFile.load(file);
                out.printf("%s: zone %s is valid: %d static record(s), %d pool(s) with %d site(s), %d steered name(s)%n", file, z.origin(),
                        z.staticRecords().size(), z.pools().size(), z.sites().size(), z.steered().size());
                z.steered().forEach((name, s) -> out.printf("  %s -> pool %s, %s, ttl %ds, %d answer(s)%s%n", name, s.pool().name(),
                        s.policy().name().toLowerCase(java.util.Locale.ROOT), s.ttl(), s.answers(), s.https() ? ", with HTTPS record" : ""));
                return 0;
            } catch (ZoneFile.Invalid e) {
                PrintWriter err = spec.commandLine().getErr();
                e.problems().forEach(p -> err.println(p.startsWith(file + ": ") ? p : file + ": " + p)); // "no such file" names it already
                err.println(file + ": " + e.problems().size() + " problem(s)");
                return Failure.FAILED;
            }
        }
    }

    /** {@code shortr dns status}: the health of every site, from a DNS role's status listener or a node's API. */
    @Command(name = "status", description = "Print the health of every pool's sites.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--server", paramLabel = "URL", converter = ClientOptions.ServerUrl.class, defaultValue = "http://127.0.0.1:8053",
                description = "The DNS role's status listener, or a node running DNS (with --key) (default ${DEFAULT-VALUE}).")
        URI server;

        @Option(names = "--key", paramLabel = "KEY", description = "An admin API key, for a node (default: $SHORTR_KEY).")
        String key;

        @Option(names = "--json", description = "Print the JSON as it is.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ApiClient.Response r = new ApiClient(server, key).get("/api/v1/dns/pools");
            if (json) {
                out.println(r.body());
                return 0;
            }
            JsonNode root = r.json();
            Table t = new Table("POOL", "SITE", "STATE", "ADDRESSES", "REGION", "SINCE", "LAST ERROR");
            int down = 0;
            for (JsonNode pool : root.path("pools")) {
                for (JsonNode s : pool.path("sites")) {
                    boolean up = s.path("up").asBoolean();
                    down += up ? 0 : 1;
                    StringBuilder addresses = new StringBuilder();
                    s.path("addresses").forEach(a -> addresses.append(addresses.isEmpty() ? "" : " ").append(a.asText()));
                    t.row(pool.path("name").asText(), s.path("name").asText(),
                            (up ? "up" : "DOWN") + (s.path("checked").asBoolean() ? "" : " (unchecked)"), addresses,
                            s.path("region").asText(), s.path("since").asText(null), s.path("lastError").asText(null));
                }
            }
            out.println("zone " + root.path("zone").asText());
            t.print(out);
            root.path("reloadProblems").forEach(p -> out.println("reload problem: " + p.asText()));
            return down == 0 ? 0 : 1;
        }
    }
}
