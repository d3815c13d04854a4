package dev.shortr.app;

import dev.shortr.auth.KeyStore;
import dev.shortr.config.StoreConfig;
import dev.shortr.link.LinkStore;
import dev.shortr.visit.ClickStore;

/** The store adapters of one node, opened from config (SQLite by default). Close to flush and release. */
public final class Stores implements AutoCloseable {
    private final LinkStore links;
    private final ClickStore clicks;
    private final KeyStore keys;
    private final AutoCloseable resource;

    Stores(LinkStore links, ClickStore clicks, KeyStore keys, AutoCloseable resource) {
        this.links = links;
        this.clicks = clicks;
        this.keys = keys;
        this.resource = resource;
    }

    /** Opens (and migrates) the store described by {@code config}. */
    public static Stores open(StoreConfig config) {
        throw new UnsupportedOperationException("wired once the SQLite adapter lands"); // replaced by app wiring
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

    @Override
    public void close() throws Exception {
        resource.close();
    }
}
