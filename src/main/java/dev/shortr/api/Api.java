package dev.shortr.api;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Stats;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.BrowserSession;
import dev.shortr.config.AuthConfig;
import dev.shortr.config.RateLimitConfig;
import dev.shortr.http.Reply;
import dev.shortr.http.Router;
import dev.shortr.link.ChangeFeed;
import dev.shortr.link.LinkStore;
import dev.shortr.link.Links;
import dev.shortr.visit.ClickStore;
import dev.shortr.webhook.Webhooks;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Registers every API and operational route on a router.
 *
 * <p>{@code publicUrl} is the base of short URLs, or null to derive it from each request's Host.
 */
public final class Api {
    private final RateLimits limits;
    private final LinksApi links;
    private final KeysApi keys;
    private final WebhooksApi webhooks;
    private final OpsApi ops;
    private final StatsApi stats;
    private final QrApi qr;
    private final ChangesApi changes;
    private final Guard guard;

    public Api(Links links, ClickStore clicks, ApiKeys keys, Webhooks webhooks, LinkStore readiness, Supplier<String> metrics,
               AuthConfig auth, RateLimitConfig rateLimit, String publicUrl, AnalyticsStore analytics) {
        this(links, clicks, keys, webhooks, readiness, metrics, auth, rateLimit, publicUrl, analytics, null);
    }

    /** @param sessions the web UI's browser sessions, whose cookie the API then accepts too; null for none */
    public Api(Links links, ClickStore clicks, ApiKeys keys, Webhooks webhooks, LinkStore readiness, Supplier<String> metrics,
               AuthConfig auth, RateLimitConfig rateLimit, String publicUrl, AnalyticsStore analytics, BrowserSession sessions) {
        this(links, clicks, keys, webhooks, readiness, metrics, auth, rateLimit, publicUrl, analytics, sessions,
                new ChangeFeed(links.store(), Duration.ofMillis(250), 1024));
    }

    /** @param feed the change feed replicas follow; its owner closes it, which ends the long polls */
    public Api(Links links, ClickStore clicks, ApiKeys keys, Webhooks webhooks, LinkStore readiness, Supplier<String> metrics,
               AuthConfig auth, RateLimitConfig rateLimit, String publicUrl, AnalyticsStore analytics, BrowserSession sessions,
               ChangeFeed feed) {
        this.limits = new RateLimits(rateLimit);
        Guard guard = new Guard(keys, limits, sessions, publicUrl);
        this.guard = guard;
        this.links = new LinksApi(links, clicks, guard, publicUrl, auth.anonymousCreate());
        this.qr = new QrApi(links, guard, publicUrl);
        this.stats = new StatsApi(links, clicks, new Stats(analytics), analytics, guard);
        this.keys = new KeysApi(keys, guard);
        this.webhooks = new WebhooksApi(webhooks, guard);
        this.ops = new OpsApi(readiness, metrics);
        this.changes = new ChangesApi(feed, links.store(), clicks, guard);
    }

    public void routes(Router r) {
        ops.routes(r);
        links.routes(r);
        qr.routes(r);
        stats.routes(r);
        keys.routes(r);
        webhooks.routes(r);
        changes.routes(r);
    }

    /**
     * Adds {@code GET path}, for admin keys only, answering the JSON {@code status} returns: the status of a role that
     * runs beside the API (the DNS role's pools), which the API itself knows nothing about.
     */
    public void adminStatus(Router r, String path, String summary, Supplier<byte[]> status) {
        r.add("GET", path, summary, guard.require(dev.shortr.auth.Scope.ADMIN, (req, caller) -> Reply.json(200, status.get())));
    }

    /** The same route on a node that does not run that role: 404 to admin keys, saying what would turn it on. */
    public void adminStatusOff(Router r, String path, String summary, String howToTurnOn) {
        r.add("GET", path, summary, guard.require(dev.shortr.auth.Scope.ADMIN, (req, caller) -> {
            throw new dev.shortr.http.HttpError(dev.shortr.http.Problem.of(404, "role-off", "Not running here", howToTurnOn));
        }));
    }

    /** The per-client-address limit of the API, for other routes that a client could hammer (the UI's sign-in). */
    public java.util.function.Predicate<String> perIpAllowed() {
        return ip -> limits.perIp(ip).allowed();
    }

    /** Requests refused by a rate limit so far. */
    public long rateLimited() {
        return limits.rejected();
    }

    /** Rate limits shared with the other nodes (Redis), asked before this node's own; for a node among many. */
    public void shareLimits(SharedLimits shared) {
        limits.share(shared);
    }

    /** Rate-limit decisions this node took alone because the shared limits could not answer. */
    public long rateLimitFallbacks() {
        return limits.fallbacks();
    }
}
