package dev.shortr.config;

/** The whole configuration of a node. Each component receives only its own sub-record. */
public record ShortrConfig(ServerConfig server, StoreConfig store, LinksConfig links, RedirectConfig redirect,
                           ClicksConfig clicks, AuthConfig auth, RateLimitConfig rateLimit,
                           WebhooksConfig webhooks, TlsConfig tls, RedisConfig redis, DnsConfig dns, CdnConfig cdn) {
    public ShortrConfig {
        if (server == null || store == null || links == null || redirect == null || clicks == null || auth == null
                || rateLimit == null || webhooks == null || tls == null || redis == null || dns == null || cdn == null) {
            throw new IllegalArgumentException("every section of the config is required");
        }
    }

    /** A node that is not behind a CDN (or does not tell it anything). */
    public ShortrConfig(ServerConfig server, StoreConfig store, LinksConfig links, RedirectConfig redirect, ClicksConfig clicks,
                        AuthConfig auth, RateLimitConfig rateLimit, WebhooksConfig webhooks, TlsConfig tls, RedisConfig redis,
                        DnsConfig dns) {
        this(server, store, links, redirect, clicks, auth, rateLimit, webhooks, tls, redis, dns, CdnConfig.defaults());
    }

    /** This config with {@code cdn} instead of its own CDN section. */
    public ShortrConfig withCdn(CdnConfig cdn) {
        return new ShortrConfig(server, store, links, redirect, clicks, auth, rateLimit, webhooks, tls, redis, dns, cdn);
    }

    /** A node without the DNS role. */
    public ShortrConfig(ServerConfig server, StoreConfig store, LinksConfig links, RedirectConfig redirect, ClicksConfig clicks,
                        AuthConfig auth, RateLimitConfig rateLimit, WebhooksConfig webhooks, TlsConfig tls, RedisConfig redis) {
        this(server, store, links, redirect, clicks, auth, rateLimit, webhooks, tls, redis, DnsConfig.defaults());
    }

    /** A node without Redis (the single-node default). */
    public ShortrConfig(ServerConfig server, StoreConfig store, LinksConfig links, RedirectConfig redirect, ClicksConfig clicks,
                        AuthConfig auth, RateLimitConfig rateLimit, WebhooksConfig webhooks, TlsConfig tls) {
        this(server, store, links, redirect, clicks, auth, rateLimit, webhooks, tls, RedisConfig.defaults());
    }

    public static ShortrConfig defaults() {
        return new ShortrConfig(ServerConfig.defaults(), StoreConfig.defaults(), LinksConfig.defaults(),
                RedirectConfig.defaults(), ClicksConfig.defaults(), AuthConfig.defaults(), RateLimitConfig.defaults(),
                WebhooksConfig.defaults(), TlsConfig.defaults(), RedisConfig.defaults(), DnsConfig.defaults(), CdnConfig.defaults());
    }
}
