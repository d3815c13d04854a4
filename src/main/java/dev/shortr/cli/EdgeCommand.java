package dev.shortr.cli;

import dev.shortr.app.EdgeNode;
import dev.shortr.config.ConfigLoader;
import dev.shortr.config.TlsConfig;
import java.util.Map;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shortr edge}: a point of presence that serves redirects from a local replica of an origin's links. */
@Command(name = "edge", description = {"Run an edge: a local replica of an origin's links, kept current from its change feed,",
        "serving redirects whether or not the origin answers. On SIGTERM it drains: /readyz fails first, then it stops."})
final class EdgeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--origin", paramLabel = "URL", required = true, converter = ClientOptions.ServerUrl.class,
            description = "The origin node, such as https://origin.sho.rt:8443.")
    URI origin;

    @Option(names = "--key", paramLabel = "KEY",
            description = "An API key with the replication scope (default: $SHORTR_KEY, or the file named by $SHORTR_KEY_FILE).")
    String key;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "shortr-edge-data",
            description = "Where the replica (SQLite) and its feed cursor live (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "HTTP port; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--io-threads", paramLabel = "N", defaultValue = "1", description = "Event-loop threads, 1..256 (default ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--public-url", paramLabel = "URL", description = "Base of short URLs, such as https://sho.rt (for previews).")
    String publicUrl;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A node configuration file (YAML) whose tls section (certificates, port, HTTP/3, HSTS) the edge uses.")
    Path config;

    @Option(names = "--drain-grace", paramLabel = "SECONDS", defaultValue = "10",
            description = "On SIGTERM, how long /readyz fails before the edge stops (default ${DEFAULT-VALUE}).")
    int drainGrace;

    @Override
    public Integer call() throws InterruptedException {
        if (key == null || key.isBlank()) {
            throw new Failure(Failure.USAGE, "missing --key: an API key with the replication scope (or set SHORTR_KEY)");
        }
        if (port < 0 || port > 65_535 || ioThreads < 1 || ioThreads > 256 || drainGrace < 0 || drainGrace > 3600) {
            throw new Failure(Failure.USAGE, "--port is 0..65535, --io-threads 1..256 and --drain-grace 0..3600");
        }
        TlsConfig tls = config == null ? TlsConfig.defaults()
                : ConfigLoader.load(config, ((Cli) spec.parent().userObject()).env(), Map.of()).tls();
        EdgeNode edge = EdgeNode.start(new EdgeNode.Settings(origin, key.strip(), dataDir, host, port, ioThreads, publicUrl,
                Duration.ofSeconds(25), Duration.ofSeconds(drainGrace), tls));
        spec.commandLine().getOut().println("shortr edge: serving on " + host + ":" + edge.port()
                + (edge.tlsPort() < 0 ? "" : " and https://" + host + ":" + edge.tlsPort()) + ", replicating " + origin);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            edge.drain(Duration.ofSeconds(drainGrace));
            stopped.countDown();
        }, "edge-drain"));
        stopped.await();
        return 0;
    }
}
