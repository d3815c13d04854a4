package dev.shortr.app;

import dev.shortr.config.Http2Config;
import dev.shortr.config.RedirectConfig;
import dev.shortr.config.ServerConfig;
import dev.shortr.config.StoreConfig;
import dev.shortr.config.TlsConfig;
import dev.shortr.tls.Tls;
import dev.shortr.edge.ClickShipper;
import dev.shortr.edge.Origin;
import dev.shortr.edge.OriginFallbackLinkStore;
import dev.shortr.edge.Replicator;
import dev.shortr.http.Dispatcher;
import dev.shortr.http.HttpServer;
import dev.shortr.http.Reply;
import dev.shortr.http.Router;
import dev.shortr.metrics.Metrics;
import dev.shortr.redirect.InvalidatingLinkStore;
import dev.shortr.redirect.RedirectTier;
import dev.shortr.visit.ClickAggregator;
import dev.shortr.visit.ClickQueue;
import dev.shortr.visit.VisitRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A point of presence ({@code shortr edge}): a local SQLite replica of the origin's links kept current from its
 * change feed, served by the same redirect tier as the origin, on every HTTP version the server speaks.
 * {@link #start} reads top to bottom as everything the edge owns.
 */
public final class EdgeNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeNode.class);

    /** What an edge needs: its origin and key, where to keep the replica, and where to listen. */
    public record Settings(URI origin, String key, Path dataDir, String host, int port, int ioThreads, String publicUrl,
                           Duration feedWait, Duration drainGrace, TlsConfig tls) {
        /** Without TLS. */
        public Settings(URI origin, String key, Path dataDir, String host, int port, int ioThreads, String publicUrl,
                        Duration feedWait, Duration drainGrace) {
            this(origin, key, dataDir, host, port, ioThreads, publicUrl, feedWait, drainGrace, TlsConfig.defaults());
        }
    }

    private final Stores stores;
    private final Metrics metrics;
    private final ClickAggregator aggregator;
    private final Replicator replicator;
    private final ClickShipper shipper;
    private final HttpServer server;
    private final int port;
    private final Tls tls;
    private final Origin origin;
    private final AtomicBoolean draining;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EdgeNode(Stores stores, Metrics metrics, ClickAggregator aggregator, Replicator replicator, ClickShipper shipper,
                     HttpServer server, int port, Tls tls, AtomicBoolean draining, Origin origin) {
        this.origin = origin;
        this.draining = draining;
        this.shipper = shipper;
        this.tls = tls;
        this.stores = stores;
        this.metrics = metrics;
        this.aggregator = aggregator;
        this.replicator = replicator;
        this.server = server;
        this.port = port;
    }

    public static EdgeNode start(Settings s) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        Metrics metrics = new Metrics();
        // the replica: a store of the edge's own, written only by the replicator
        Stores stores = Stores.open(new StoreConfig("sqlite", s.dataDir(), 4, 512));
        // one HTTP client to the origin, for the feed, the misses and the click batches
        Origin origin = new Origin(s.origin(), s.key());
        Replicator replicator = null;
        ClickAggregator aggregator = null;
        ClickShipper.Wiring shipping = null;
        Tls tls = null;
        try {
            // clicks: hot path -> queue -> aggregator -> counted here and kept on disk -> shipped to the origin in
            // batches, each once by its idempotency key
            shipping = ClickShipper.forEdge(origin, stores.clicks(), stores.links(), s.dataDir(), 100_000, 1000);
            ClickQueue clicks = new ClickQueue(1 << 16);
            aggregator = new ClickAggregator(clicks, shipping.store(), 1000, 5_000, VisitRecorder.NONE).start();
            // a code the replica does not hold yet is asked of the origin once (misses coalesce; unknown is cached)
            OriginFallbackLinkStore reads = new OriginFallbackLinkStore(stores.links(), origin, Duration.ofSeconds(1));
            RedirectTier redirects = new RedirectTier(reads, shipping.store(), clicks, RedirectConfig.defaults(), s.publicUrl(),
                    false, false);
            // every change the replicator applies drops the code from the redirect cache
            InvalidatingLinkStore replicaWrites = new InvalidatingLinkStore(stores.links(), redirects);
            replicator = new Replicator(origin, replicaWrites, s.dataDir().resolve("edge-cursor"), s.feedWait(), clock)
                    .start();

            Replicator feed = replicator;
            AtomicBoolean draining = new AtomicBoolean();
            Router router = new Router();
            router.add("GET", "/healthz", "Liveness", req -> json(200, "{\"status\":\"ok\"}"));
            router.add("GET", "/readyz", "Readiness: loaded, not draining; degraded while the origin is unreachable", req -> {
                Replicator r = feed;
                if (draining.get()) {
                    return json(503, "{\"status\":\"draining\"}").header("retry-after", "5");
                }
                if (r.cursor() < 0) {
                    return json(503, "{\"status\":\"loading\"}").header("retry-after", "2");
                }
                String status = r.state() == Replicator.State.ORIGIN_UNREACHABLE ? "degraded" : "ready";
                return json(200, "{\"status\":\"" + status + "\",\"cursor\":" + r.cursor() + ",\"originLast\":" + r.originLast() + "}");
            });
            router.add("GET", "/metrics", "Prometheus metrics", req -> Reply.of(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(StandardCharsets.UTF_8)).header("cache-control", "no-store"));
            router.add("GET", "/{code}", "Follow a short link", redirects::handle);
            registerMetrics(metrics, replicator, shipping.shipper());
            metrics.counter("shortr.edge.misses.asked", "Codes the replica did not hold, asked of the origin", reads,
                    OriginFallbackLinkStore::asked);
            metrics.counter("shortr.edge.misses.found", "Codes the origin had that the replica did not hold yet", reads,
                    OriginFallbackLinkStore::found);

            // HTTPS beside cleartext, as on the origin: the same fast path behind TLS, h2 by ALPN, HTTP/3 on UDP
            TlsConfig tc = s.tls();
            tls = tc.enabled() ? Tls.start(tc, s.dataDir(), HttpServer.ALPN) : null;
            HttpServer.Https https = tls == null ? null
                    : new HttpServer.Https(tc.port(), tls, tc.hstsHeader(), tc.redirectHttp(), s.publicUrl(), tls.quic());
            HttpServer server = new HttpServer(new HttpServer.Settings(s.host(), s.port(), s.ioThreads(), 64 << 10,
                    Duration.ofSeconds(60), Duration.ofSeconds(10), 10_000, https), new Dispatcher(router, metrics), redirects, null,
                    Node.http2Limits(Http2Config.defaults()));
            int port = server.start();
            // as on the origin: the click flush, the replica's SQLite writer and the JIT compilers run at a higher nice
            // value, so that they do not take the event loop's core for whole scheduler slices (see Background)
            Background.deprioritise(ServerConfig.defaults().backgroundNice());
            EdgeNode edge = new EdgeNode(stores, metrics, aggregator, replicator, shipping.shipper(), server, port, tls, draining,
                    origin);
            Thread.ofVirtual().name("edge-warm").start(() -> {
                try {
                    if (feed.awaitLoaded(Duration.ofMinutes(10))) {
                        redirects.warm();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.warn("edge: warming the redirect cache failed: {}", e.toString());
                }
            });
            log.info("edge: serving on {}:{}, replicating {}", s.host(), port, s.origin());
            return edge;
        } catch (java.io.IOException e) {
            closeAll(replicator, aggregator, shipping, tls, origin, stores, e);
            throw new IllegalStateException("TLS: " + e.getMessage(), e);
        } catch (InterruptedException | RuntimeException e) {
            closeAll(replicator, aggregator, shipping, tls, origin, stores, e);
            throw e;
        }
    }

    private static void closeAll(Replicator replicator, ClickAggregator aggregator, ClickShipper.Wiring shipping, Tls tls, Origin origin, Stores stores,
                                 Exception e) {
        if (replicator != null) {
            replicator.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
        if (shipping != null) {
            shipping.shipper().close();
        }
        if (tls != null) {
            tls.close();
        }
        origin.close();
        try {
            stores.close();
        } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
        }
    }

    private static Reply json(int status, String body) {
        return Reply.json(status, body.getBytes(StandardCharsets.UTF_8)).header("cache-control", "no-store");
    }

    private static void registerMetrics(Metrics metrics, Replicator r, ClickShipper shipper) {
        metrics.counter("shortr.edge.clicks.batches.shipped", "Click batches the origin added", shipper, ClickShipper::shipped);
        metrics.counter("shortr.edge.clicks.batches.duplicate", "Click batches the origin had already (a retry after a lost answer)",
                shipper, ClickShipper::duplicates);
        metrics.counter("shortr.edge.clicks.batches.rejected", "Click batches the origin refused as malformed (kept aside)", shipper,
                ClickShipper::rejected);
        metrics.gauge("shortr.edge.clicks.batches.waiting", "Click batches on disk, waiting for the origin", shipper,
                ClickShipper::waiting);
        metrics.counter("shortr.edge.clicks.dropped", "Clicks not kept because the outbox was full", shipper, ClickShipper::dropped);
        metrics.gauge("shortr.edge.replica.cursor", "The seq of the last change applied to the replica", r, Replicator::cursor);
        metrics.gauge("shortr.edge.origin.last", "The origin's last change seq, as last heard", r, Replicator::originLast);
        metrics.gauge("shortr.edge.origin.reachable", "1 while the origin answers the feed", r,
                x -> x.state() == Replicator.State.ORIGIN_UNREACHABLE ? 0 : 1);
        metrics.counter("shortr.edge.changes.applied", "Feed changes applied to the replica", r, Replicator::applied);
        metrics.counter("shortr.edge.resyncs", "Reloads from a snapshot after the origin could not continue the feed", r,
                Replicator::resyncs);
        metrics.counter("shortr.edge.origin.failures", "Failed reads of the origin's feed", r, Replicator::failures);
    }

    public int port() {
        return port;
    }

    /** The HTTPS (and HTTP/3) port, or -1 without TLS. */
    public int tlsPort() {
        return tls == null ? -1 : server.tlsPort();
    }

    public Replicator replicator() {
        return replicator;
    }

    public ClickShipper shipper() {
        return shipper;
    }

    /** Waits until the replica holds the origin's links (a first snapshot, or a replica from an earlier run). */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return replicator.awaitLoaded(timeout);
    }

    /** Drain: {@code /readyz} fails at once, so balancers and announcers move away; the edge stops after {@code grace}. */
    public void drain(Duration grace) {
        if (draining.compareAndSet(false, true)) {
            log.info("edge: draining; /readyz fails now, stopping in {}", grace);
        }
        try {
            Thread.sleep(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    public boolean draining() {
        return draining.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        replicator.close();
        server.shutdown(Duration.ofSeconds(5));
        aggregator.close(); // its last flush puts the last clicks in the outbox, for the next run to ship
        shipper.close();
        origin.close();
        if (tls != null) {
            tls.close();
        }
        metrics.close();
        try {
            stores.close();
        } catch (Exception e) {
            log.warn("edge: closing the replica store failed: {}", e.toString());
        }
    }
}
