package dev.shortr.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.dns.Answerer;
import dev.shortr.dns.DnsServer;
import dev.shortr.dns.DnsStats;
import dev.shortr.dns.HealthChecks;
import dev.shortr.dns.ZoneWatch;
import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.http.Dispatcher;
import dev.shortr.http.HttpServer;
import dev.shortr.http.Reply;
import dev.shortr.http.Router;
import dev.shortr.metrics.Metrics;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The DNS role, wired: the zone (watched for changes), the background health checks, the pure answer
 * builder and the UDP/TCP listener. Runs alone ({@code shortr dns}) or inside a node ({@code dns.zone}).
 */
public final class DnsRole implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ZoneWatch zone;
    private final HealthChecks health;
    private final DnsServer server;
    private final GeoLookup geo;
    private HttpServer status;

    private DnsRole(ZoneWatch zone, HealthChecks health, DnsServer server, GeoLookup geo) {
        this.zone = zone;
        this.health = health;
        this.server = server;
        this.geo = geo;
    }

    /**
     * Loads {@code zoneFile}, starts its health checks and binds the listener.
     *
     * @param geo a country database for {@code geo.countries}, or {@link GeoLookup#none()}; closed with the role
     */
    public static DnsRole start(Path zoneFile, DnsServer.Settings settings, GeoLookup geo) throws ZoneFile.Invalid, InterruptedException {
        HealthChecks health = new HealthChecks(Clock.systemUTC());
        ZoneWatch zone = null;
        DnsServer server = null;
        try {
            zone = ZoneWatch.open(zoneFile, 2000, health::watch);
            Function<InetAddress, String> countryOf = ip -> geo.locate(ip).country();
            Answerer answerer = new Answerer(zone, health, countryOf, RandomGenerator.of("L32X64MixRandom"));
            server = new DnsServer(settings, answerer, zone, new DnsStats());
            server.start();
            return new DnsRole(zone, health, server, geo);
        } catch (ZoneFile.Invalid | InterruptedException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (zone != null) {
                zone.close();
            }
            health.close();
            geo.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public Zone zone() {
        return zone.get();
    }

    /** Reloads the zone file now (as a change to it would); false when it cannot be served and the old zone stays. */
    public boolean reload() {
        return zone.reload();
    }

    /** {@code GET /api/v1/dns/pools}: every site's health, pool by pool, and the last reload's problems. */
    public byte[] poolsJson() {
        Zone z = zone.get();
        ObjectNode root = JSON.createObjectNode();
        root.put("zone", z.origin().toString());
        ArrayNode pools = root.putArray("pools");
        ObjectNode pool = null;
        for (HealthChecks.Status s : health.status(z)) {
            if (pool == null || !pool.get("name").asText().equals(s.pool())) {
                pool = pools.addObject();
                pool.put("name", s.pool());
                pool.putArray("sites");
            }
            ObjectNode site = ((ArrayNode) pool.get("sites")).addObject();
            site.put("name", s.site());
            site.put("up", s.up());
            site.put("checked", s.checked());
            ArrayNode addresses = site.putArray("addresses");
            s.addresses().forEach(addresses::add);
            site.put("region", s.region());
            site.put("weight", s.weight());
            site.put("check", s.target());
            site.put("since", s.since() == null ? null : s.since().toString());
            site.put("lastCheck", s.lastCheck() == null ? null : s.lastCheck().toString());
            site.put("lastError", s.lastError());
            site.put("successes", s.successes());
            site.put("failures", s.failures());
        }
        pools.forEach(p -> ((ObjectNode) p).put("up", countUp(p)));
        ArrayNode problems = root.putArray("reloadProblems");
        zone.problems().forEach(problems::add);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int countUp(com.fasterxml.jackson.databind.JsonNode pool) {
        int up = 0;
        for (var s : pool.get("sites")) {
            up += s.get("up").asBoolean() ? 1 : 0;
        }
        return up;
    }

    /** Exports the role's counters and site states. */
    public void register(Metrics metrics) {
        DnsStats stats = server.stats();
        metrics.counter("shortr.dns.queries", "DNS queries received", stats, s -> s.snapshot().udp(), "transport", "udp");
        metrics.counter("shortr.dns.queries", "DNS queries received", stats, s -> s.snapshot().tcp(), "transport", "tcp");
        metrics.counter("shortr.dns.responses", "DNS responses sent, by RCODE", stats, s -> s.snapshot().noError(), "rcode", "NOERROR");
        metrics.counter("shortr.dns.responses", "DNS responses sent, by RCODE", stats, s -> s.snapshot().nxDomain(), "rcode", "NXDOMAIN");
        metrics.counter("shortr.dns.responses", "DNS responses sent, by RCODE", stats, s -> s.snapshot().refused(), "rcode", "REFUSED");
        metrics.counter("shortr.dns.responses", "DNS responses sent, by RCODE", stats, s -> s.snapshot().servFail(), "rcode", "SERVFAIL");
        metrics.counter("shortr.dns.responses", "DNS responses sent, by RCODE", stats, s -> s.snapshot().formErr(), "rcode", "FORMERR");
        metrics.counter("shortr.dns.responses", "DNS responses sent, by RCODE", stats, s -> s.snapshot().other(), "rcode", "other");
        metrics.counter("shortr.dns.truncated", "UDP responses cut to fit, with TC set", stats, s -> s.snapshot().truncated());
        metrics.counter("shortr.dns.dropped", "Packets not answered: not queries, or too short", stats, s -> s.snapshot().dropped());
        metrics.counter("shortr.dns.ratelimited", "UDP responses over the rate limit", stats, s -> s.snapshot().rateLimitedDropped(),
                "action", "drop");
        metrics.counter("shortr.dns.ratelimited", "UDP responses over the rate limit", stats, s -> s.snapshot().rateLimitedSlipped(),
                "action", "slip");
        metrics.counter("shortr.dns.cache.hits", "UDP queries answered with a response already built for the same bytes", server,
                DnsServer::cacheHits);
        metrics.counter("shortr.dns.transfers", "Zone transfers served", stats, s -> s.snapshot().transfers());
        metrics.counter("shortr.dns.health.transitions", "Site state changes (up to down or back)", health, HealthChecks::transitions);
        metrics.counter("shortr.dns.health.checks", "Health checks completed", health, HealthChecks::checks);
        metrics.gauge("shortr.dns.sites.up", "Sites currently answered", this,
                r -> r.health.status(r.zone.get()).stream().filter(HealthChecks.Status::up).count());
        metrics.gauge("shortr.dns.sites", "Sites configured", this, r -> r.zone.get().sites().size());
    }

    /**
     * The standalone role's HTTP listener: {@code /healthz}, {@code /readyz}, {@code /metrics} and
     * {@code /api/v1/dns/pools}, without keys (bind it to loopback or a management network).
     */
    public synchronized int statusListener(String host, int port, Metrics metrics) throws InterruptedException {
        Router router = new Router();
        router.add("GET", "/healthz", "Liveness", req -> Reply.json(200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)));
        router.add("GET", "/readyz", "Readiness: the zone is loaded and the listener bound", req -> Reply.json(200,
                ("{\"status\":\"ready\",\"zone\":\"" + zone.get().origin() + "\"}").getBytes(StandardCharsets.UTF_8)));
        router.add("GET", "/metrics", "Prometheus metrics", req -> Reply.of(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
        router.add("GET", "/api/v1/dns/pools", "Health of every site, pool by pool", req -> Reply.json(200, poolsJson()));
        HttpServer http = new HttpServer(new HttpServer.Settings(host, port, 1, 64 << 10, java.time.Duration.ofSeconds(30)),
                new Dispatcher(router, metrics), (objects, wire, head) -> 0, null);
        int bound = http.start();
        status = http;
        return bound;
    }

    @Override
    public synchronized void close() {
        if (status != null) {
            status.close();
        }
        server.close();
        zone.close();
        health.close();
        geo.close();
    }
}
