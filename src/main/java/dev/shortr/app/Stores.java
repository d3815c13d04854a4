package dev.shortr.app;

import dev.shortr.auth.KeyStore;
import dev.shortr.cdn.PurgeCursors;
import dev.shortr.config.StoreConfig;
import dev.shortr.link.LinkStore;
import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.store.postgres.PostgresAnalyticsStore;
import dev.shortr.store.postgres.PostgresClickStore;
import dev.shortr.store.postgres.PostgresDatabase;
import dev.shortr.store.postgres.PostgresKeyStore;
import dev.shortr.store.postgres.PostgresLinkStore;
import dev.shortr.store.postgres.PostgresPurgeCursors;
import dev.shortr.store.postgres.PostgresWebhookStore;
import dev.shortr.store.sqlite.SqliteAnalyticsStore;
import dev.shortr.store.sqlite.SqliteClickStore;
import dev.shortr.store.sqlite.SqliteDatabase;
import dev.shortr.store.sqlite.SqliteKeyStore;
import dev.shortr.store.sqlite.SqliteLinkStore;
import dev.shortr.store.sqlite.SqlitePurgeCursors;
import dev.shortr.store.sqlite.SqliteWebhookStore;
import dev.shortr.visit.ClickStore;
import dev.shortr.webhook.WebhookStore;

/** The store adapters of one node, opened from config (SQLite by default, or PostgreSQL). Close to flush and release. */
public final class Stores implements AutoCloseable {
    private final LinkStore links;
    private final ClickStore clicks;
    private final KeyStore keys;
    private final AnalyticsStore analytics;
    private final WebhookStore webhooks;
    private final PurgeCursors purgeCursors;
    private final AutoCloseable resource;

    Stores(LinkStore links, ClickStore clicks, KeyStore keys, AnalyticsStore analytics, WebhookStore webhooks,
           PurgeCursors purgeCursors, AutoCloseable resource) {
        this.links = links;
        this.clicks = clicks;
        this.keys = keys;
        this.analytics = analytics;
        this.webhooks = webhooks;
        this.purgeCursors = purgeCursors;
        this.resource = resource;
    }

    /** Opens (and migrates) the store described by {@code config}: SQLite, or PostgreSQL for a postgres:// URL. */
    public static Stores open(StoreConfig config) {
        if (config.postgres()) {
            PostgresDatabase db = PostgresDatabase.open(config);
            PostgresLinkStore links = new PostgresLinkStore(db);
            // the link store first: it commits the creates still queued while the pool is open
            return new Stores(links, new PostgresClickStore(db), new PostgresKeyStore(db), new PostgresAnalyticsStore(db),
                    new PostgresWebhookStore(db), new PostgresPurgeCursors(db), () -> {
                        try (db) {
                            links.close();
                        }
                    });
        }
        SqliteDatabase db = SqliteDatabase.open(config);
        return new Stores(new SqliteLinkStore(db), new SqliteClickStore(db), new SqliteKeyStore(db), new SqliteAnalyticsStore(db),
                new SqliteWebhookStore(db), new SqlitePurgeCursors(db), db);
    }

    /** The same stores, for a node that uses them but leaves closing them to whoever opened them. */
    Stores borrowed() {
        return new Stores(links, clicks, keys, analytics, webhooks, purgeCursors, () -> { });
    }

    public LinkStore links() {
        return links;
    }

    public ClickStore clicks() {
        return clicks;
    }

    public KeyStore keys() {
        return keys;
    }

    public AnalyticsStore analytics() {
        return analytics;
    }

    public WebhookStore webhooks() {
        return webhooks;
    }

    /** Where CDN purges keep their place in the change feed. */
    public PurgeCursors purgeCursors() {
        return purgeCursors;
    }

    @Override
    public void close() throws Exception {
        resource.close();
    }
}
