package dev.shortr.cli;

import dev.shortr.app.Node;
import dev.shortr.config.ShortrConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code shortr serve}: loads the configuration, starts a node and blocks until it stops. */
@Command(name = "serve", description = {"Run an origin node: REST API, redirects and click counting.",
        "Settings come from --config, then SHORTR_* environment variables, then these flags."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;

    @Mixin
    StoreOptions store;

    @Option(names = "--port", paramLabel = "N", description = "TCP port; 0 picks a free one (default 8080).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default 0.0.0.0).")
    String host;

    @Option(names = "--io-threads", paramLabel = "N", description = "Event-loop threads, 1..256 (default: one per core).")
    Integer ioThreads;

    @Option(names = "--public-url", paramLabel = "URL", description = "Base of short URLs, such as https://sho.rt (default http://localhost:PORT).")
    String publicUrl;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        flags.put("server.port", text(port));
        flags.put("server.host", host);
        flags.put("server.ioThreads", text(ioThreads));
        flags.put("server.publicUrl", publicUrl);
        ShortrConfig config = store.load(cli.env(), flags);
        Node node = Node.start(config);
        node.awaitShutdown(); // Node owns the signal handling and the graceful stop
        return 0;
    }

    private static String text(Integer n) {
        return n == null ? null : n.toString();
    }
}
