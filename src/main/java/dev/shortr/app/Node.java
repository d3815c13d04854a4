package dev.shortr.app;

import dev.shortr.acme.Acme;
import dev.shortr.api.Api;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.BrowserSession;
import dev.shortr.auth.Scope;
import dev.shortr.cdn.Purges;
import dev.shortr.config.ConfigException;
import dev.shortr.config.Http2Config;
import dev.shortr.dns.DnsServer;
import dev.shortr.dns.zone.ZoneFile;
import dev.shortr.config.ShortrConfig;
import dev.shortr.config.TlsConfig;
import dev.shortr.http.AccessLog;
import dev.shortr.http.Dispatcher;
import dev.shortr.http.Http2Limits;
import dev.shortr.http.HttpServer;
import dev.shortr.http.Router;
import dev.shortr.link.ChangeFeed;
import dev.shortr.link.CodeGenerator;
import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Links;
import dev.shortr.metrics.Metrics;
import dev.shortr.metrics.TimedLinkStore;
import dev.shortr.redirect.InvalidatingLinkStore;
import dev.shortr.redirect.Invalidations;
import dev.shortr.redirect.RedirectTier;
import dev.shortr.redis.Redis;
import dev.shortr.redis.RedisBuckets;
import dev.shortr.redis.RedisChanges;
import dev.shortr.analytics.Analytics;
import dev.shortr.config.AnalyticsConfig;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.enrich.UserAgents;
import dev.shortr.visit.ClickAggregator;
import dev.shortr.visit.ClickQueue;
import dev.shortr.visit.VisitRecorder;
import dev.shortr.webhook.WebhookStore;
import dev.shortr.webhook.Webhooks;
import dev.shortr.tls.Tls;
import dev.shortr.ui.Ui;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running shortr origin node. {@link #start} reads top to bottom as the list of every object the node
 * owns, every route it serves and every background thread it runs.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final ShortrConfig config;
    private final Stores stores;
    private final Metrics metrics;
    private final ClickAggregator aggregator;
    private final Webhooks webhooks;
    private final HttpServer server;
    private final int port;
    private final Tls tls;
    private final Acme acme;
    private final Redis redis;
    private final Invalidations invalidations;
    private final ChangeFeed feed;
    private final DnsRole dns;
    private final Purges purges;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();

    private Node(ShortrConfig config, Stores stores, Metrics metrics, ClickAggregator aggregator, Webhooks webhooks,
                 HttpServer server, int port, Tls tls, Acme acme, Redis redis, Invalidations invalidations, ChangeFeed feed,
                 DnsRole dns, Purges purges) {
        this.config = config;
        this.stores = stores;
        this.metrics = metrics;
        this.aggregator = aggregator;
        this.webhooks = webhooks;
        this.server = server;
        this.port = port;
        this.tls = tls;
        this.acme = acme;
        this.redis = redis;
        this.invalidations = invalidations;
        this.feed = feed;
        this.dns = dns;
        this.purges = purges;
    }

    /** Opens the store, binds the listener and returns once the node serves. Prints the first admin key once. */
    public static Node start(ShortrConfig config) {
        return start(config, System.out);
    }

    /** As {@link #start(ShortrConfig)}, printing the first admin key to {@code console}. */
    public static Node start(ShortrConfig config, PrintStream console) {
        return start(config, console, Stores.open(config.store()));
    }

    /**
     * As {@link #start(ShortrConfig, PrintStream)}, on stores the caller opened and closes after the node: nodes in one
     * JVM sharing a store as nodes share PostgreSQL (the Redis tests and bench/invalidation).
     */
    public static Node startOn(Stores shared, ShortrConfig config, PrintStream console) {
        return start(config, console, shared.borrowed());
    }

    private static Node start(ShortrConfig config, PrintStream console, Stores stores) {
        Clock clock = Clock.systemUTC();
        Metrics metrics = new Metrics();
        Webhooks webhooks = null;
        Tls tls = null;
        Acme acme = null;
        Redis redis = null;
        Invalidations invalidations = null;
        DnsRole dns = null;
        Purges purges = null;
        try {
            // clicks: hot path -> bounded queue -> one aggregator -> store
            ClickQueue clickQueue = new ClickQueue(config.clicks().queueCapacity());
            AnalyticsConfig ac = config.clicks().analytics();
            Analytics analytics = new Analytics(stores.analytics(), ac, new UserAgents(10_000), geoLookup(ac.geoDatabase()),
                    ac.countersInterval().toMillis());
            ClickAggregator aggregator = new ClickAggregator(clickQueue, stores.clicks(),
                    config.clicks().flushInterval().toMillis(), config.clicks().maxBatch(),
                    ac.enabled() ? analytics : VisitRecorder.NONE);
            // with clicks off nothing is ever queued: no thread or task waking to find that out
            if (config.clicks().enabled() && !config.clicks().aggregateOnLoop()) {
                aggregator.start();
            }

            // links: store (timed) -> redirect cache invalidation (and, with Redis, the other nodes' too) -> use cases
            LinkStore timed = new TimedLinkStore(stores.links(), metrics.registry());
            String publicUrl = config.server().publicUrl();
            RedirectTier redirects = new RedirectTier(timed, stores.clicks(),
                    config.clicks().enabled() ? clickQueue : null, config.redirect(), publicUrl, ac.trustForwardedFor(),
                    ac.enabled(), config.cdn());
            redirects.serverTiming(config.server().serverTiming());
            // many nodes: each change is published on Redis, every node drops it from its cache, and the store's change
            // feed is read as well (often while Redis is down); a shared store without Redis: the feed alone, every
            // redis.fallbackCacheTtl; SQLite without Redis: a node alone, as ever
            redis = config.redis().enabled() ? Redis.start(config.redis()) : null;
            RedisChanges changes = redis == null ? null : new RedisChanges(redis);
            if (redis != null) {
                invalidations = new Invalidations(stores.links(), redirects, config.redis().catchUpInterval(),
                        config.redis().fallbackCacheTtl());
                Invalidations inv = invalidations;
                changes.subscribe((code, seq, sentAt) -> inv.notice(code));
                redis.onHealth(inv::connected);
                inv.start();
            } else if (config.store().postgres()) {
                java.time.Duration ttl = config.redis().fallbackCacheTtl();
                invalidations = new Invalidations(stores.links(), redirects, ttl, ttl).start();
                log.info("no redis.url: edits made on other nodes reach this node's redirect cache within "
                        + "redis.fallbackCacheTtl ({}), read from the store's change feed", ttl);
            }
            // the change feed replicas long-poll: woken by this node's writes, polling for other nodes' (raw store)
            ChangeFeed feed = new ChangeFeed(stores.links(), java.time.Duration.ofMillis(250), 1024);
            LinkStore linkStore = feed.signalling(new InvalidatingLinkStore(timed, redirects, changes == null
                    ? InvalidatingLinkStore.Peers.NONE : (code, seq) -> changes.publish(code.value(), seq)));
            Links links = new Links(linkStore, new CodeGenerator(config.links().codeLength()),
                    new DomainBlocklist(config.links().blockedDomains()), clock);
            ApiKeys keys = new ApiKeys(stores.keys(), clock);

            // webhooks: link change feed and click batches -> outbox -> delivery worker (the raw link store:
            // polling the feed is not link traffic worth timing)
            webhooks = new Webhooks(stores.webhooks(), stores.links(), config.webhooks(), clock).start();
            Webhooks hooks = webhooks;
            aggregator.onFlushed(tallies -> clicked(hooks, stores.links(), tallies));

            // CDN purges: link change feed -> a courier per Varnish or purge API, each from its cursor in the store. A
            // change is purged once every node's redirect cache has dropped it (on a shared store: within
            // redis.fallbackCacheTtl), or the CDN could fetch the old target again from a node that still had it
            if (config.cdn().purge().enabled()) {
                java.time.Duration settle = config.store().postgres()
                        ? config.redis().fallbackCacheTtl().plusSeconds(1) : java.time.Duration.ofMillis(250);
                purges = Purges.start(config.cdn().purge(), stores.purgeCursors(), stores.links(), settle, clock);
                registerPurgeMetrics(metrics, purges);
            }

            // routes: operations and API first, the catch-all redirect route last
            Router router = new Router();
            BrowserSession sessions = config.server().ui() ? new BrowserSession() : null;
            Api api = new Api(links, stores.clicks(), keys, webhooks, timed, metrics::scrape, config.auth(), config.rateLimit(),
                    publicUrl, stores.analytics(), sessions, feed);
            api.routes(router);
            // DNS: the authoritative role beside the HTTP listeners (its own UDP/TCP port), its pools on the admin API
            if (config.dns().enabled()) {
                try {
                    dns = DnsRole.start(config.dns().zone(), new DnsServer.Settings(config.dns().host(), config.dns().port(),
                            config.dns().threads(), 512), geoLookup(ac.geoDatabase()));
                } catch (ZoneFile.Invalid e) {
                    throw new ConfigException(e.problems().stream().map(p -> "dns.zone " + p).toList());
                }
                dns.register(metrics);
                api.adminStatus(router, "/api/v1/dns/pools", "Health of the DNS role's sites, pool by pool", dns::poolsJson);
            } else {
                api.adminStatusOff(router, "/api/v1/dns/pools", "Health of the DNS role's sites, pool by pool",
                        "this node runs no DNS role: set dns.zone to a zone file (docs/dns.md)");
            }
            if (redis != null) {
                api.shareLimits(new RedisBuckets(redis)::tryConsume);
                registerRedisMetrics(metrics, redis, changes, invalidations, api);
            }
            if (invalidations != null) {
                registerFeedMetrics(metrics, invalidations);
            }
            if (sessions != null) {
                // the session cookie is Secure when the UI is only ever reached over HTTPS
                boolean httpsOnly = (publicUrl != null && publicUrl.startsWith("https:"))
                        || (config.tls().enabled() && config.tls().redirectHttp());
                new Ui(keys, sessions, publicUrl, httpsOnly, api.perIpAllowed()).routes(router);
            }
            // ACME: the HTTP-01 challenge route, answered over both listeners while an order is pending
            TlsConfig tc = config.tls();
            if (tc.acme().enabled()) {
                acme = Acme.prepare(tc.acme(), config.store().dataDir(), clock);
                acme.routes(router);
            }
            router.add("GET", "/{code}", "Follow a short link", redirects::handle);

            registerMetrics(metrics, clickQueue, aggregator, redirects, api, webhooks, stores);
            metrics.gauge("shortr.changes.waiting", "Change-feed reads waiting for a change (long polls)", feed, ChangeFeed::waiting);

            // HTTPS beside the cleartext listener: the same routes and fast path behind TLS; ACME's certificate
            // first once it exists (the files are watched like any other certificate's); h2 is offered in ALPN
            // only when HTTP/2 is on
            tls = tc.enabled() ? Tls.start(tc, config.store().dataDir(),
                    config.server().http2().enabled() ? HttpServer.ALPN : java.util.List.of("http/1.1"),
                    acme == null ? java.util.List.of() : acme.certificates()) : null;
            HttpServer.Https https = null;
            if (tls != null) {
                // HTTP/3 on UDP at the same port number, with the same certificates, when on and the native codec loads
                https = new HttpServer.Https(tc.port(), tls, tc.hstsHeader(), tc.redirectHttp(), publicUrl, tls.quic());
                registerTlsMetrics(metrics, tls);
            }
            if (acme != null) {
                registerAcmeMetrics(metrics, acme);
            }
            HttpServer server = new HttpServer(
                    new HttpServer.Settings(config.server().host(), config.server().port(), config.server().ioThreads(),
                            config.server().maxBodyBytes(), config.server().idleTimeout(), config.server().headerTimeout(),
                            config.server().maxConnections(), https),
                    new Dispatcher(router, metrics, config.server().serverTiming()), redirects,
                    config.server().accessLog() ? AccessLog.toLogger() : null, http2Limits(config.server().http2()));
            int port = server.start();
            if (config.clicks().enabled() && config.clicks().aggregateOnLoop()) {
                aggregator.startOn(server.loop()); // queued clicks wait there for the first round: none is lost
            }
            metrics.gauge("shortr.http.connections", "Open HTTP connections", server, HttpServer::connections);
            metrics.counter("shortr.http.connections.refused", "Connections turned away because server.maxConnections were open",
                    server, HttpServer::refusedConnections);
            if (server.http3()) {
                metrics.counter("shortr.http3.requests", "Requests answered over HTTP/3", server, HttpServer::http3Requests);
                metrics.counter("shortr.http3.early.requests", "HTTP/3 requests that arrived in 0-RTT early data", server,
                        HttpServer::http3EarlyRequests);
                metrics.counter("shortr.http3.too.early", "Requests in early data refused with 425 (all but GET and HEAD)", server,
                        HttpServer::http3TooEarly);
            }
            printFirstAdminKey(keys, console); // only once the port is ours, so a failed start mints nothing
            if (acme != null) {
                acme.start(); // the first check orders at once when there is no certificate: the challenge route is up
            }
            Node node = new Node(config, stores, metrics, aggregator, webhooks, server, port, tls, acme, redis, invalidations, feed,
                    dns, purges);
            Thread.ofVirtual().name("cache-warm").start(() -> {
                try {
                    redirects.warm();
                } catch (RuntimeException e) {
                    log.warn("redirect cache warm-up failed; serving from the store until hits build up: {}", e.toString());
                }
            });
            long sweepMillis = Math.max(1000, config.redirect().negativeTtl().toMillis());
            Thread.ofPlatform().name("unknown-sweeper").daemon(true).start(() -> {
                while (!node.closing.get()) {
                    try {
                        Thread.sleep(sweepMillis);
                        redirects.sweepUnknown();
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        log.warn("sweeping unknown codes failed: {}", e.toString());
                    }
                }
            });
            Thread.ofPlatform().name("visit-purge").daemon(true).start(() -> {
                while (!node.closing.get()) {
                    try {
                        long purged = analytics.purge(System.currentTimeMillis());
                        if (purged > 0) {
                            log.info("purged {} visits older than {} days", purged, ac.visitRetentionDays());
                        }
                        Thread.sleep(3_600_000);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        log.warn("purging old visits failed: {}", e.toString());
                    }
                }
            });
            Background.deprioritise(config.server().backgroundNice());
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown"));
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(acme);
            closeQuietly(tls);
            closeQuietly(webhooks);
            closeQuietly(purges);
            closeQuietly(invalidations);
            closeQuietly(redis);
            closeQuietly(dns);
            closeQuietly(stores);
            throw new IllegalStateException("interrupted while starting", e);
        } catch (IOException e) {
            closeQuietly(acme);
            closeQuietly(webhooks);
            closeQuietly(purges);
            closeQuietly(invalidations);
            closeQuietly(redis);
            closeQuietly(dns);
            closeQuietly(stores);
            throw new IllegalStateException("TLS: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(acme);
            closeQuietly(tls);
            closeQuietly(webhooks);
            closeQuietly(purges);
            closeQuietly(invalidations);
            closeQuietly(redis);
            closeQuietly(dns);
            closeQuietly(stores);
            throw e;
        }
    }

    /** HTTP/2's settings in the listener's terms, or null when HTTP/2 is off. */
    static Http2Limits http2Limits(Http2Config c) {
        return !c.enabled() ? null : new Http2Limits(c.maxConcurrentStreams(), c.maxHeaderListSize(), c.initialWindowSize(),
                c.connectionWindowSize(), c.maxResets(), (int) c.resetWindow().toSeconds());
    }

    /** Passes stored clicks on to webhooks' {@code link.clicked} windows, with the links' codes. */
    private static void clicked(Webhooks webhooks, dev.shortr.link.LinkStore links, dev.shortr.visit.ClickTallies tallies) {
        if (!webhooks.wantsClicks() || tallies.size() == 0) {
            return;
        }
        java.util.Map<Long, Long> byLink = new java.util.HashMap<>();
        for (int i = 0; i < tallies.size(); i++) {
            byLink.merge(tallies.linkId(i), tallies.counts()[i], Long::sum);
        }
        java.util.Map<Long, dev.shortr.link.ShortCode> codes = links.codes(byLink.keySet());
        byLink.forEach((id, n) -> {
            dev.shortr.link.ShortCode code = codes.get(id);
            if (code != null) {
                webhooks.clicked(id, code.value(), n);
            }
        });
    }

    /** The GeoIP database {@code clicks.geoDatabase} names: a file, {@code auto} (scripts/geo.sh's, if fetched) or {@code none}. */
    static GeoLookup geoLookup(String setting) {
        if (setting.equals("none")) {
            return GeoLookup.none();
        }
        java.nio.file.Path file = setting.equals("auto") ? AnalyticsConfig.autoGeoDatabase() : java.nio.file.Path.of(setting);
        if (setting.equals("auto") && !java.nio.file.Files.isRegularFile(file)) {
            log.info("no GeoIP database at {} (scripts/geo.sh fetches a free one): clicks get no country", file);
            return GeoLookup.none();
        }
        GeoLookup geo = GeoLookup.open(file);
        log.info("GeoIP database: {}", file);
        return geo;
    }

    private static void printFirstAdminKey(ApiKeys keys, PrintStream console) {
        if (keys.store().count() > 0) {
            return;
        }
        ApiKeys.Minted m = keys.mint("admin (first start)", EnumSet.of(Scope.ADMIN));
        console.println("admin key (shown once, store it now): " + m.token());
        console.flush();
    }

    private static void registerMetrics(Metrics m, ClickQueue q, ClickAggregator agg, RedirectTier r, Api api, Webhooks w,
                                        Stores stores) {
        m.gauge("shortr.clicks.queue.depth", "Clicks waiting for the aggregator", q, ClickQueue::depth);
        m.gauge("shortr.clicks.queue.capacity", "Bound of the click queue", q, ClickQueue::capacity);
        m.counter("shortr.clicks.accepted", "Clicks put in the queue", q, ClickQueue::accepted);
        m.counter("shortr.clicks.dropped", "Clicks dropped because the queue was full", q, ClickQueue::dropped);
        m.counter("shortr.clicks.flushed", "Clicks durably stored", agg, ClickAggregator::flushedClicks);
        m.counter("shortr.clicks.flush.failures", "Failed click flushes (retried)", agg, ClickAggregator::flushFailures);
        m.counter("shortr.clicks.enrich.failures", "Clicks counted without enrichment because it failed", agg,
                ClickAggregator::enrichFailures);
        m.counter("shortr.redirect.cache.hits", "Redirect lookups answered from memory", r, RedirectTier::hits);
        m.counter("shortr.redirect.cache.misses", "Redirect lookups that went to the store", r, RedirectTier::misses);
        m.gauge("shortr.redirect.cache.size", "Links (and unknown codes) held in memory", r, RedirectTier::cached);
        m.counter("shortr.redirect.cache.overflow", "Misses served uncached because the cache was at its bound", r,
                RedirectTier::overflow);
        m.gauge("shortr.redirect.cache.hit.ratio", "Hits / (hits + misses) since start", r,
                t -> t.hits() + t.misses() == 0 ? 0 : (double) t.hits() / (t.hits() + t.misses()));
        m.counter("shortr.redirects.head", "HEAD requests to short links (never counted as clicks)", r, RedirectTier::heads);
        r.byStatus().forEach((status, adder) ->
                m.counter("shortr.redirects", "Answers to short-link requests by status", adder,
                        java.util.concurrent.atomic.LongAdder::sum, "status", Integer.toString(status)));
        m.counter("shortr.api.rate.limited", "API requests refused by a rate limit", api, Api::rateLimited);
        m.counter("shortr.webhooks.delivered", "Webhook deliveries answered with a 2xx", w, Webhooks::delivered);
        m.counter("shortr.webhooks.attempts.failed", "Webhook attempts without a 2xx answer", w, Webhooks::failedAttempts);
        m.counter("shortr.webhooks.failed", "Webhook deliveries given up after the last attempt", w, Webhooks::gaveUp);
        m.gauge("shortr.webhooks.in.flight", "Webhook deliveries being sent now", w, Webhooks::inFlight);
        m.gauge("shortr.webhooks.pending", "Webhook deliveries waiting to be sent or retried", stores.webhooks(),
                WebhookStore::pending);
    }

    private static void registerRedisMetrics(Metrics m, Redis redis, RedisChanges changes, Invalidations inv, Api api) {
        m.gauge("shortr.redis.up", "1 while Redis answers; 0 while rate limits and cache invalidation fall back", redis,
                r -> r.up() ? 1 : 0);
        m.counter("shortr.redis.downs", "Times Redis was found down or unreachable", redis, Redis::downs);
        m.counter("shortr.ratelimit.fallback", "Rate-limit decisions taken by this node's own buckets because Redis could not answer",
                api, Api::rateLimitFallbacks);
        m.counter("shortr.redis.changes.published", "Link changes announced to the other nodes", changes, RedisChanges::published);
        m.counter("shortr.redis.changes.unsent", "Link changes that could not be announced (the change feed carries them)",
                changes, RedisChanges::unsent);
        m.counter("shortr.redis.changes.received", "Link changes heard from other nodes", changes, RedisChanges::received);
        m.gauge("shortr.redirect.cache.fallback", "1 while cached links are checked against the change feed every "
                + "redis.fallbackCacheTtl because Redis is down", inv, i -> i.cut() ? 1 : 0);
        m.counter("shortr.redirect.cache.invalidations", "Cached codes dropped for a change made elsewhere, by what told us", inv,
                Invalidations::fromNotices, "source", "peer");
    }

    /** With Redis, or on a shared store without it: the change feed read for cache invalidation. */
    private static void registerFeedMetrics(Metrics m, Invalidations inv) {
        m.counter("shortr.redirect.cache.invalidations", "Cached codes dropped for a change made elsewhere, by what told us", inv,
                Invalidations::fromFeed, "source", "feed");
        m.counter("shortr.redirect.cache.feed.reads", "Reads of the store's change feed for cache invalidation", inv,
                Invalidations::feedReads);
        m.counter("shortr.redirect.cache.feed.failures", "Reads of the change feed that failed (retried)", inv,
                Invalidations::feedFailures);
    }

    private static void registerPurgeMetrics(Metrics m, Purges p) {
        for (String target : p.targets()) {
            m.counter("shortr.cdn.purged", "Links purged at a CDN target after an edit or a delete", p, x -> x.purged(target),
                    "target", target);
            m.counter("shortr.cdn.purge.attempts.failed", "Purge attempts that failed (retried with backoff)", p,
                    x -> x.failedAttempts(target), "target", target);
            m.counter("shortr.cdn.purge.given.up", "Links whose purge was given up after the last attempt: alert when it moves",
                    p, x -> x.gaveUp(target), "target", target);
            m.gauge("shortr.cdn.purge.lag", "Link changes not purged yet at a CDN target", p, x -> x.lag(target), "target", target);
        }
    }

    private static void registerTlsMetrics(Metrics m, Tls tls) {
        m.counter("shortr.tls.ticket.key.rotations", "Session-ticket key rotations", tls, Tls::ticketKeyRotations);
        m.counter("shortr.tls.certificate.reloads", "Certificate reloads after the PEM files changed", tls, Tls::reloads);
        m.counter("shortr.tls.certificate.reload.failures", "Changed PEM files that could not be loaded (the old certificates stayed)",
                tls, Tls::reloadFailures);
        m.gauge("shortr.tls.ocsp.stapled", "Certificates whose handshakes carry a current OCSP response", tls, Tls::stapled);
        m.counter("shortr.tls.ocsp.failures", "Failed OCSP fetches (retried)", tls, Tls::ocspFailures);
    }

    private static void registerAcmeMetrics(Metrics m, Acme acme) {
        m.counter("shortr.tls.acme.renewals", "Certificates obtained over ACME, the first one included", acme, Acme::renewals);
        m.counter("shortr.tls.acme.failures", "ACME orders that failed (each retried with backoff)", acme, Acme::failures);
        m.gauge("shortr.tls.acme.certificate.expiry.seconds", "When the ACME certificate expires, in Unix seconds (0: none yet)",
                acme, Acme::expiryEpochSeconds);
    }

    /** The webhooks of this node: where click batches go ({@link Webhooks#clicked}) once they are stored. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The HTTPS listener's bound port, or -1 when TLS is off. */
    public int tlsPort() {
        return server.tlsPort();
    }

    /** Blocks until {@link #close()} has run (by a signal or another thread). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Graceful: stop accepting, drain in-flight requests, flush clicks, finish webhook deliveries in flight, close
     * the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            log.info("shutting down: draining requests for up to {}", config.server().shutdownGrace());
            feed.close(); // long polls answer now with what there is, instead of holding the drain up
            server.shutdown(config.server().shutdownGrace());
            closeQuietly(dns);
            closeQuietly(acme);
            closeQuietly(tls);
            closeQuietly(invalidations);
            closeQuietly(redis);
            closeQuietly(purges);
            aggregator.close();
            webhooks.close(); // after the aggregator, whose last flush may still report clicks
            metrics.close();
            closeQuietly(stores);
            log.info("stopped");
        } finally {
            stopped.countDown();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("close failed: {}", e.toString());
        }
    }
}
