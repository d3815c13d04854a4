package dev.shortr.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The health-check endpoint of a zone's sites, on loopback. The test zones' sites have TEST-NET addresses, which
 * a test must never send traffic to, so {@link #zone} rewrites a zone to check every site here instead
 * ({@code checkUrl: http://127.0.0.1:PORT/SITE}, every 200 ms, one result decides): a site answers 200, or 503
 * once {@link #down} was called for it.
 */
final class LoopbackSites implements AutoCloseable {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final HttpServer http;
    private final Set<String> down = ConcurrentHashMap.newKeySet();

    private LoopbackSites(HttpServer http) {
        this.http = http;
    }

    static LoopbackSites start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        LoopbackSites sites = new LoopbackSites(http);
        http.createContext("/", exchange -> {
            String site = exchange.getRequestURI().getPath().substring(1);
            exchange.sendResponseHeaders(sites.down.contains(site) ? 503 : 200, -1);
            exchange.close();
        });
        http.start();
        return sites;
    }

    /** Writes {@code source} to {@code dir}, every pool checked fast and every site checked here; returns the copy. */
    Path zone(Path source, Path dir) throws IOException {
        return zone(source, dir, root -> { });
    }

    /** As {@link #zone(Path, Path)}, with {@code edit} applied to the zone's YAML tree first. */
    Path zone(Path source, Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) YAML.readTree(source.toFile());
        edit.accept(root);
        JsonNode pools = root.path("pools");
        for (JsonNode pool : pools) {
            ObjectNode check = ((ObjectNode) pool).putObject("check");
            check.put("interval", "200ms").put("timeout", "150ms").put("rise", 1).put("fall", 1);
            for (JsonNode site : pool.path("sites")) {
                ((ObjectNode) site).put("checkUrl", "http://127.0.0.1:" + http.getAddress().getPort() + "/" + site.path("name").asText());
            }
        }
        Files.createDirectories(dir);
        Path out = dir.resolve(source.getFileName());
        YAML.writeValue(out.toFile(), root);
        return out;
    }

    /** From now on, the site's check fails (503). */
    void down(String site) {
        down.add(site);
    }

    /** From now on, the site's check passes. */
    void up(String site) {
        down.remove(site);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
