package dev.shortr.config;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting once: its YAML key, type, rule, default and environment names. The loader and the records'
 * compact constructors check the same rules, so a config that breaks one cannot exist.
 */
enum Setting {
    SERVER_HOST("server.host", Kind.TEXT, Rule.NOT_BLANK, c -> c.server().host(), "SHORTR_HOST"),
    SERVER_PORT("server.port", Kind.INT, Rule.range(0, 65_535), c -> c.server().port(), "SHORTR_PORT"),
    SERVER_IO_THREADS("server.ioThreads", Kind.INT, Rule.range(1, 256), c -> c.server().ioThreads(), "SHORTR_IO_THREADS"),
    SERVER_PUBLIC_URL("server.publicUrl", Kind.TEXT, Rule.PUBLIC_URL, c -> c.server().publicUrl(), "SHORTR_PUBLIC_URL"),
    SERVER_MAX_BODY_BYTES("server.maxBodyBytes", Kind.INT, Rule.range(1024, 64 << 20), c -> c.server().maxBodyBytes(), null),
    SERVER_ACCESS_LOG("server.accessLog", Kind.BOOL, Rule.ANY, c -> c.server().accessLog(), "SHORTR_ACCESS_LOG"),
    SERVER_IDLE_TIMEOUT("server.idleTimeout", Kind.DURATION, Rule.POSITIVE, c -> c.server().idleTimeout(), null),
    SERVER_SHUTDOWN_GRACE("server.shutdownGrace", Kind.DURATION, Rule.NOT_NEGATIVE, c -> c.server().shutdownGrace(), null),
    SERVER_BACKGROUND_NICE("server.backgroundNice", Kind.INT, Rule.range(0, 19), c -> c.server().backgroundNice(), null),
    SERVER_UI("server.ui", Kind.BOOL, Rule.ANY, c -> c.server().ui(), "SHORTR_UI"),
    SERVER_HEADER_TIMEOUT("server.headerTimeout", Kind.DURATION, Rule.POSITIVE, c -> c.server().headerTimeout(), null),
    SERVER_MAX_CONNECTIONS("server.maxConnections", Kind.INT, Rule.range(1, 1_000_000), c -> c.server().maxConnections(),
            "SHORTR_MAX_CONNECTIONS"),
    SERVER_SERVER_TIMING("server.serverTiming", Kind.BOOL, Rule.ANY, c -> c.server().serverTiming(), "SHORTR_SERVER_TIMING"),

    HTTP2_ENABLED("http2.enabled", Kind.BOOL, Rule.ANY, c -> c.server().http2().enabled(), null),
    HTTP2_MAX_CONCURRENT_STREAMS("http2.maxConcurrentStreams", Kind.INT, Rule.range(1, 10_000),
            c -> c.server().http2().maxConcurrentStreams(), null),
    HTTP2_MAX_HEADER_LIST_SIZE("http2.maxHeaderListSize", Kind.INT, Rule.range(1024, 1 << 20),
            c -> c.server().http2().maxHeaderListSize(), null),
    // RFC 9113 §6.5.2: the window may not exceed 2^31-1; below 65,535 (the protocol default) slows every upload
    HTTP2_INITIAL_WINDOW_SIZE("http2.initialWindowSize", Kind.INT, Rule.range(65_535, 1 << 24),
            c -> c.server().http2().initialWindowSize(), null),
    HTTP2_CONNECTION_WINDOW_SIZE("http2.connectionWindowSize", Kind.INT, Rule.range(65_535, 1 << 30),
            c -> c.server().http2().connectionWindowSize(), null),
    HTTP2_MAX_RESETS("http2.maxResets", Kind.INT, Rule.range(1, 1_000_000), c -> c.server().http2().maxResets(), null),
    HTTP2_RESET_WINDOW("http2.resetWindow", Kind.DURATION, Rule.between(Duration.ofSeconds(1), Duration.ofHours(1)),
            c -> c.server().http2().resetWindow(), null),

    STORE_URL("store.url", Kind.TEXT, Rule.STORE_URL, c -> c.store().url(), "SHORTR_STORE"),
    STORE_DATA_DIR("store.dataDir", Kind.PATH, Rule.ANY, c -> c.store().dataDir(), "SHORTR_DATA_DIR"),
    STORE_READ_CONNECTIONS("store.readConnections", Kind.INT, Rule.range(1, 64), c -> c.store().readConnections(), null),
    STORE_GROUP_COMMIT_MAX("store.groupCommitMax", Kind.INT, Rule.range(1, 100_000), c -> c.store().groupCommitMax(), null),
    STORE_PASSWORD_FILE("store.passwordFile", Kind.PATH, Rule.ANY, c -> c.store().passwordFile(), null),
    STORE_POOL_SIZE("store.poolSize", Kind.INT, Rule.range(1, 1000), c -> c.store().poolSize(), null),
    // HikariCP's own floor is 250 ms
    STORE_POOL_WAIT("store.poolWait", Kind.DURATION, Rule.between(Duration.ofMillis(250), Duration.ofMinutes(5)),
            c -> c.store().poolWait(), null),
    STORE_STATEMENT_TIMEOUT("store.statementTimeout", Kind.DURATION, Rule.between(Duration.ofMillis(100), Duration.ofHours(1)),
            c -> c.store().statementTimeout(), null),

    LINKS_CODE_LENGTH("links.codeLength", Kind.INT, Rule.range(4, 32), c -> c.links().codeLength(), null),
    LINKS_BLOCKED_DOMAINS("links.blockedDomains", Kind.LIST, Rule.DOMAINS, c -> c.links().blockedDomains(), null),

    REDIRECT_PERMANENT_CACHE_SECONDS("redirect.permanentCacheSeconds", Kind.INT, Rule.range(0, 31_536_000),
            c -> c.redirect().permanentCacheSeconds(), null),
    REDIRECT_CACHE_MAX_ENTRIES("redirect.cacheMaxEntries", Kind.LONG, Rule.range(0, 1_000_000_000),
            c -> c.redirect().cacheMaxEntries(), null),
    REDIRECT_NEGATIVE_TTL("redirect.negativeTtl", Kind.DURATION, Rule.NOT_NEGATIVE, c -> c.redirect().negativeTtl(), null),

    CLICKS_ENABLED("clicks.enabled", Kind.BOOL, Rule.ANY, c -> c.clicks().enabled(), null),
    CLICKS_QUEUE_CAPACITY("clicks.queueCapacity", Kind.INT, Rule.range(1, 1 << 24), c -> c.clicks().queueCapacity(), null),
    CLICKS_FLUSH_INTERVAL("clicks.flushInterval", Kind.DURATION, Rule.POSITIVE, c -> c.clicks().flushInterval(), null),
    CLICKS_MAX_BATCH("clicks.maxBatch", Kind.INT, Rule.range(1, 1_000_000), c -> c.clicks().maxBatch(), null),
    CLICKS_AGGREGATOR("clicks.aggregator", Kind.TEXT, Rule.oneOf("loop", "thread"), c -> c.clicks().aggregator(), "SHORTR_CLICKS_AGGREGATOR"),
    CLICKS_ANALYTICS("clicks.analytics", Kind.BOOL, Rule.ANY, c -> c.clicks().analytics().enabled(), "SHORTR_ANALYTICS"),
    CLICKS_TRACKING("clicks.tracking", Kind.BOOL, Rule.ANY, c -> c.clicks().analytics().tracking(), "SHORTR_TRACKING"),
    CLICKS_IP_STORAGE("clicks.ipStorage", Kind.TEXT, Rule.oneOf("none", "anonymised", "full"),
            c -> c.clicks().analytics().ipStorage(), null),
    CLICKS_HONOUR_DNT("clicks.honourDoNotTrack", Kind.BOOL, Rule.ANY, c -> c.clicks().analytics().honourDoNotTrack(), null),
    CLICKS_FULL_REFERRER("clicks.fullReferrer", Kind.BOOL, Rule.ANY, c -> c.clicks().analytics().fullReferrer(), null),
    CLICKS_VISIT_RETENTION_DAYS("clicks.visitRetentionDays", Kind.INT, Rule.range(0, 36_500),
            c -> c.clicks().analytics().visitRetentionDays(), null),
    CLICKS_TRUST_FORWARDED_FOR("clicks.trustForwardedFor", Kind.BOOL, Rule.ANY,
            c -> c.clicks().analytics().trustForwardedFor(), null),
    CLICKS_COUNTERS_INTERVAL("clicks.countersInterval", Kind.DURATION, Rule.POSITIVE,
            c -> c.clicks().analytics().countersInterval(), null),
    CLICKS_GEO_DATABASE("clicks.geoDatabase", Kind.TEXT, Rule.NOT_BLANK, c -> c.clicks().analytics().geoDatabase(),
            "SHORTR_GEO_DATABASE"),

    AUTH_ANONYMOUS_CREATE("auth.anonymousCreate", Kind.BOOL, Rule.ANY, c -> c.auth().anonymousCreate(), "SHORTR_ANONYMOUS_CREATE"),

    RATE_LIMIT_ENABLED("rateLimit.enabled", Kind.BOOL, Rule.ANY, c -> c.rateLimit().enabled(), null),
    RATE_LIMIT_PER_KEY("rateLimit.perKey", Kind.LONG, Rule.range(1, 1_000_000_000), c -> c.rateLimit().perKey(), null),
    RATE_LIMIT_PER_IP("rateLimit.perIp", Kind.LONG, Rule.range(1, 1_000_000_000), c -> c.rateLimit().perIp(), null),
    RATE_LIMIT_ANONYMOUS_CREATE("rateLimit.anonymousCreate", Kind.LONG, Rule.range(1, 1_000_000_000),
            c -> c.rateLimit().anonymousCreate(), null),

    WEBHOOKS_ENABLED("webhooks.enabled", Kind.BOOL, Rule.ANY, c -> c.webhooks().enabled(), null),
    WEBHOOKS_CLICK_WINDOW("webhooks.clickWindow", Kind.DURATION, Rule.between(Duration.ofMillis(10), Duration.ofHours(24)),
            c -> c.webhooks().clickWindow(), null),
    WEBHOOKS_MAX_ATTEMPTS("webhooks.maxAttempts", Kind.INT, Rule.range(1, 100), c -> c.webhooks().maxAttempts(), null),
    WEBHOOKS_BACKOFF_BASE("webhooks.backoffBase", Kind.DURATION, Rule.between(Duration.ofMillis(1), Duration.ofHours(1)),
            c -> c.webhooks().backoffBase(), null),
    WEBHOOKS_TIMEOUT("webhooks.timeout", Kind.DURATION, Rule.between(Duration.ofMillis(10), Duration.ofMinutes(5)),
            c -> c.webhooks().timeout(), null),
    WEBHOOKS_CONCURRENCY("webhooks.concurrency", Kind.INT, Rule.range(1, 1024), c -> c.webhooks().concurrency(), null),
    WEBHOOKS_RETENTION("webhooks.retention", Kind.DURATION, Rule.between(Duration.ofMinutes(1), Duration.ofDays(3650)),
            c -> c.webhooks().retention(), null),
    WEBHOOKS_ALLOW_PRIVATE("webhooks.allowPrivate", Kind.BOOL, Rule.ANY, c -> c.webhooks().allowPrivate(), null),

    TLS_ENABLED("tls.enabled", Kind.BOOL, Rule.ANY, c -> c.tls().enabled(), "SHORTR_TLS"),
    TLS_PORT("tls.port", Kind.INT, Rule.range(0, 65_535), c -> c.tls().port(), "SHORTR_TLS_PORT"),
    TLS_CERTIFICATES("tls.certificates", Kind.LIST, Rule.CERTIFICATES, c -> c.tls().certificates(), "SHORTR_TLS_CERTIFICATES"),
    TLS_PROVIDER("tls.provider", Kind.TEXT, Rule.oneOf("auto", "boringssl", "jdk"), c -> c.tls().provider(), null),
    TLS_MIN_VERSION("tls.minVersion", Kind.TEXT, Rule.oneOf("TLSv1.2", "TLSv1.3"), c -> c.tls().minVersion(), null),
    TLS_HSTS_MAX_AGE("tls.hstsMaxAge", Kind.DURATION, Rule.between(Duration.ZERO, Duration.ofDays(2 * 365)),
            c -> c.tls().hstsMaxAge(), null),
    TLS_HSTS_INCLUDE_SUBDOMAINS("tls.hstsIncludeSubdomains", Kind.BOOL, Rule.ANY, c -> c.tls().hstsIncludeSubdomains(), null),
    TLS_HSTS_PRELOAD("tls.hstsPreload", Kind.BOOL, Rule.ANY, c -> c.tls().hstsPreload(), null),
    TLS_REDIRECT_HTTP("tls.redirectHttp", Kind.BOOL, Rule.ANY, c -> c.tls().redirectHttp(), null),
    TLS_SESSION_TICKET_ROTATION("tls.sessionTicketRotation", Kind.DURATION, Rule.between(Duration.ofSeconds(1), Duration.ofDays(7)),
            c -> c.tls().sessionTicketRotation(), null),
    TLS_SESSION_CACHE_SIZE("tls.sessionCacheSize", Kind.INT, Rule.range(0, 10_000_000), c -> c.tls().sessionCacheSize(), null),
    TLS_SESSION_TIMEOUT("tls.sessionTimeout", Kind.DURATION, Rule.between(Duration.ofSeconds(1), Duration.ofDays(7)),
            c -> c.tls().sessionTimeout(), null),
    TLS_OCSP_STAPLING("tls.ocspStapling", Kind.BOOL, Rule.ANY, c -> c.tls().ocspStapling(), null),
    TLS_RELOAD_INTERVAL("tls.reloadInterval", Kind.DURATION, Rule.between(Duration.ofMillis(100), Duration.ofHours(1)),
            c -> c.tls().reloadInterval(), null),
    TLS_HTTP3("tls.http3", Kind.BOOL, Rule.ANY, c -> c.tls().http3(), "SHORTR_HTTP3"),
    TLS_EARLY_DATA("tls.earlyData", Kind.BOOL, Rule.ANY, c -> c.tls().earlyData(), null),

    TLS_ACME_ENABLED("tls.acme.enabled", Kind.BOOL, Rule.ANY, c -> c.tls().acme().enabled(), null),
    TLS_ACME_DIRECTORY("tls.acme.directory", Kind.TEXT, Rule.HTTPS_URL, c -> c.tls().acme().directory(), null),
    TLS_ACME_DIRECTORY_CA("tls.acme.directoryCa", Kind.PATH, Rule.ANY, c -> c.tls().acme().directoryCa(), null),
    TLS_ACME_EMAIL("tls.acme.email", Kind.TEXT, Rule.EMAIL, c -> c.tls().acme().email(), null),
    TLS_ACME_DOMAINS("tls.acme.domains", Kind.LIST, Rule.ACME_DOMAINS, c -> c.tls().acme().domains(), null),
    TLS_ACME_RENEW_BEFORE("tls.acme.renewBefore", Kind.DURATION, Rule.between(Duration.ofHours(1), Duration.ofDays(3650)),
            c -> c.tls().acme().renewBefore(), null),
    TLS_ACME_AGREE_TO_TERMS("tls.acme.agreeToTerms", Kind.BOOL, Rule.ANY, c -> c.tls().acme().agreeToTerms(), null),
    TLS_ACME_CHECK_INTERVAL("tls.acme.checkInterval", Kind.DURATION, Rule.between(Duration.ofSeconds(1), Duration.ofDays(7)),
            c -> c.tls().acme().checkInterval(), null),

    DNS_ZONE("dns.zone", Kind.PATH, Rule.ANY, c -> c.dns().zone(), "SHORTR_DNS_ZONE"),
    DNS_HOST("dns.host", Kind.TEXT, Rule.NOT_BLANK, c -> c.dns().host(), "SHORTR_DNS_HOST"),
    DNS_PORT("dns.port", Kind.INT, Rule.range(0, 65_535), c -> c.dns().port(), "SHORTR_DNS_PORT"),
    DNS_THREADS("dns.threads", Kind.INT, Rule.range(1, 64), c -> c.dns().threads(), null),

    CDN_ENABLED("cdn.enabled", Kind.BOOL, Rule.ANY, c -> c.cdn().enabled(), "SHORTR_CDN"),
    CDN_SHARED_MAX_AGE("cdn.sharedMaxAge", Kind.DURATION, Rule.wholeSeconds(Duration.ofDays(3650)), c -> c.cdn().sharedMaxAge(), null),
    CDN_STALE_WHILE_REVALIDATE("cdn.staleWhileRevalidate", Kind.DURATION, Rule.wholeSeconds(Duration.ofDays(365)),
            c -> c.cdn().staleWhileRevalidate(), null),
    CDN_STALE_IF_ERROR("cdn.staleIfError", Kind.DURATION, Rule.wholeSeconds(Duration.ofDays(365)), c -> c.cdn().staleIfError(), null),
    CDN_KEY_HEADER("cdn.keyHeader", Kind.TEXT, Rule.KEY_HEADER, c -> c.cdn().keyHeader(), null),
    CDN_LIFETIME_HEADER("cdn.lifetimeHeader", Kind.TEXT,
            Rule.oneOf("Cache-Control", "Surrogate-Control", "CDN-Cache-Control", "Cloudflare-CDN-Cache-Control"),
            c -> c.cdn().lifetimeHeader(), null),
    CDN_COUNT_EVERY_CLICK("cdn.countEveryClick", Kind.BOOL, Rule.ANY, c -> c.cdn().countEveryClick(), null),
    CDN_PURGE_VARNISH("cdn.purge.varnish", Kind.LIST, Rule.BASE_URLS, c -> c.cdn().purge().varnish(), null),
    CDN_PURGE_HTTP_URL("cdn.purge.http.url", Kind.TEXT, Rule.PURGE_URL, c -> c.cdn().purge().httpUrl(), null),
    CDN_PURGE_HTTP_METHOD("cdn.purge.http.method", Kind.TEXT, Rule.METHOD, c -> c.cdn().purge().httpMethod(), null),
    CDN_PURGE_HTTP_HEADERS("cdn.purge.http.headers", Kind.LIST, Rule.PURGE_HEADERS, c -> c.cdn().purge().httpHeaders(), null),
    CDN_PURGE_HTTP_BODY("cdn.purge.http.body", Kind.TEXT, Rule.PURGE_BODY, c -> c.cdn().purge().httpBody(), null),
    CDN_PURGE_HTTP_TOKEN_FILE("cdn.purge.http.tokenFile", Kind.PATH, Rule.ANY, c -> c.cdn().purge().httpTokenFile(), null),
    CDN_PURGE_HTTP_BATCH("cdn.purge.http.batch", Kind.INT, Rule.range(1, 1000), c -> c.cdn().purge().httpBatch(), null),
    CDN_PURGE_MAX_ATTEMPTS("cdn.purge.maxAttempts", Kind.INT, Rule.range(1, 100), c -> c.cdn().purge().maxAttempts(), null),
    CDN_PURGE_BACKOFF_BASE("cdn.purge.backoffBase", Kind.DURATION, Rule.between(Duration.ofMillis(10), Duration.ofHours(1)),
            c -> c.cdn().purge().backoffBase(), null),
    CDN_PURGE_TIMEOUT("cdn.purge.timeout", Kind.DURATION, Rule.between(Duration.ofMillis(100), Duration.ofMinutes(5)),
            c -> c.cdn().purge().timeout(), null),

    REDIS_URL("redis.url", Kind.TEXT, Rule.REDIS_URL, c -> c.redis().url(), null),
    REDIS_PASSWORD_FILE("redis.passwordFile", Kind.PATH, Rule.ANY, c -> c.redis().passwordFile(), null),
    REDIS_TIMEOUT("redis.timeout", Kind.DURATION, Rule.between(Duration.ofMillis(1), Duration.ofSeconds(10)),
            c -> c.redis().timeout(), null),
    REDIS_CONNECT_TIMEOUT("redis.connectTimeout", Kind.DURATION, Rule.between(Duration.ofMillis(10), Duration.ofMinutes(1)),
            c -> c.redis().connectTimeout(), null),
    REDIS_FALLBACK_CACHE_TTL("redis.fallbackCacheTtl", Kind.DURATION, Rule.between(Duration.ofMillis(100), Duration.ofMinutes(10)),
            c -> c.redis().fallbackCacheTtl(), null),
    REDIS_CATCH_UP_INTERVAL("redis.catchUpInterval", Kind.DURATION, Rule.between(Duration.ofMillis(100), Duration.ofHours(1)),
            c -> c.redis().catchUpInterval(), null);

    /** Settings whose absence is a value of its own (no public URL, no extra CA to trust). */
    private static final java.util.Set<String> OPTIONAL = java.util.Set.of("server.publicUrl", "tls.acme.directoryCa",
            "redis.passwordFile", "store.passwordFile", "cdn.purge.http.url", "cdn.purge.http.tokenFile");

    static final Map<String, Setting> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(s -> s.key, s -> s));

    final String key;
    final Kind kind;
    private final Rule rule;
    private final Function<ShortrConfig, Object> defaultOf;
    /** The short environment name that is part of the public interface, or null. */
    final String alias;

    Setting(String key, Kind kind, Rule rule, Function<ShortrConfig, Object> defaultOf, String alias) {
        this.key = key;
        this.kind = kind;
        this.rule = rule;
        this.defaultOf = defaultOf;
        this.alias = alias;
    }

    String section() {
        return key.substring(0, key.indexOf('.'));
    }

    /** {@code tls} for {@code tls.port}, {@code tls.acme} for {@code tls.acme.enabled}: the mapping the key sits in. */
    String parent() {
        return key.substring(0, key.lastIndexOf('.'));
    }

    /** {@code SHORTR_<SECTION>_<KEY>} in upper snake case: {@code rateLimit.perKey} is {@code SHORTR_RATE_LIMIT_PER_KEY}. */
    String envName() {
        return "SHORTR_" + key.replace(".", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    Object defaultValue(ShortrConfig defaults) {
        return defaultOf.apply(defaults);
    }

    /** What is wrong with a parsed {@code value}, or null. */
    String problem(Object value) {
        if (value == null) {
            return OPTIONAL.contains(key) ? null : "is required";
        }
        return rule.problem(value);
    }

    /** For compact constructors: an invalid value is a bug in the caller. */
    void require(Object value) {
        String p = problem(value);
        if (p != null) {
            throw new IllegalArgumentException(key + ": " + p);
        }
    }

    /** A public URL without its one optional trailing slash. */
    static String stripSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Blocked domains as the blocklist compares them: lower case, IDNs in their ASCII form. */
    static String asciiDomain(String domain) {
        return IDN.toASCII(domain.strip().toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED);
    }

    @FunctionalInterface
    interface Rule {
        String problem(Object value);

        Rule ANY = v -> null;
        Rule NOT_BLANK = v -> v.toString().isBlank() ? "must not be empty" : null;
        Rule POSITIVE = v -> ((Duration) v).isNegative() || ((Duration) v).isZero() ? "must be longer than 0, got " + v : null;
        Rule NOT_NEGATIVE = v -> ((Duration) v).isNegative() ? "must not be negative, got " + v : null;

        Rule STORE_URL = v -> {
            String s = v.toString();
            if (s.equals("sqlite")) {
                return null;
            }
            if (PostgresUrl.isPostgres(s)) {
                try {
                    PostgresUrl.parse(s);
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            }
            return "expected 'sqlite' or 'postgres://user@host:port/database', got '" + PostgresUrl.redact(s) + "'";
        };

        Rule PUBLIC_URL = v -> {
            String s = stripSlash(v.toString());
            String why = "must be an absolute http:// or https:// URL without query, fragment or trailing slash, got '" + v + "'";
            try {
                URI u = new URI(s);
                boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
                return http && u.getHost() != null && u.getRawQuery() == null && u.getRawFragment() == null
                        && u.getRawUserInfo() == null && !s.endsWith("/") ? null : why;
            } catch (URISyntaxException e) {
                return why;
            }
        };

        Rule DOMAINS = v -> {
            for (Object o : (Collection<?>) v) {
                String d = o.toString().strip();
                String bare = d.startsWith("*.") ? d.substring(2) : d;
                try {
                    if (!bare.isEmpty() && asciiDomain(bare).matches("[a-z0-9-]+(\\.[a-z0-9-]+)*\\.?")) {
                        continue;
                    }
                } catch (IllegalArgumentException e) {
                    // not an IDN either: fall through to the problem
                }
                return "'" + d + "' is not a domain name (write it as evil.example, without scheme or path)";
            }
            return null;
        };

        /** Empty (no Redis), or {@code redis[s]://[user@]host[:port][/db]}; a password belongs in redis.passwordFile. */
        Rule REDIS_URL = v -> {
            String s = v.toString();
            if (s.isEmpty()) {
                return null;
            }
            try {
                URI u = new URI(s);
                if (u.getRawUserInfo() != null && u.getRawUserInfo().contains(":")) {
                    return "holds a password: put it in a file named by redis.passwordFile (SHORTR_REDIS_PASSWORD_FILE) instead";
                }
                boolean scheme = "redis".equals(u.getScheme()) || "rediss".equals(u.getScheme());
                String path = u.getRawPath() == null ? "" : u.getRawPath();
                if (scheme && u.getHost() != null && path.matches("(/(\\d{1,5})?)?") && u.getRawQuery() == null
                        && u.getRawFragment() == null) {
                    return null;
                }
            } catch (URISyntaxException e) {
                // the problem below
            }
            return "must be redis://host[:port][/db] or rediss://host[:port][/db] (empty for no Redis), got '" + s + "'";
        };

        Rule HTTPS_URL = v -> {
            String why = "must be an https:// URL, got '" + v + "'";
            try {
                URI u = new URI(v.toString());
                return "https".equalsIgnoreCase(u.getScheme()) && u.getHost() != null ? null : why;
            } catch (URISyntaxException e) {
                return why;
            }
        };

        /** Empty (none), or one plain address: the CA turns it into a {@code mailto:} contact. */
        Rule EMAIL = v -> {
            String s = v.toString();
            return s.isEmpty() || s.matches("[^@\\s,;:<>()\\[\\]]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}") ? null
                    : "must be an email address such as ops@sho.rt, got '" + s + "'";
        };

        /** DNS names that HTTP-01 can prove: no wildcards, no IP addresses; at most 100, as CAs allow. */
        Rule ACME_DOMAINS = v -> {
            Collection<?> names = (Collection<?>) v;
            if (names.size() > 100) {
                return "at most 100 names fit one certificate, got " + names.size();
            }
            for (Object o : names) {
                String d = o.toString().strip();
                if (d.startsWith("*.")) {
                    return "'" + d + "' is a wildcard, which only DNS-01 can prove; shortr answers HTTP-01: list each name";
                }
                if (d.matches("[0-9.]+") || d.contains(":")) {
                    return "'" + d + "' is an IP address; HTTP-01 proves DNS names only";
                }
            }
            return DOMAINS.problem(v);
        };

        /** Each entry {@code CHAIN.pem:KEY.pem}, or one PEM file holding the chain and the key. */
        Rule CERTIFICATES = v -> {
            for (Object o : (Collection<?>) v) {
                String entry = o.toString().strip();
                String[] parts = entry.split(":", -1);
                if (parts.length > 2 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
                    return "'" + entry + "' is not CHAIN.pem:KEY.pem or one PEM file with both";
                }
            }
            return null;
        };

        /** A response header shortr does not set itself: the CDN's key header ({@code Surrogate-Key}, {@code Cache-Tag}). */
        Rule KEY_HEADER = v -> {
            String s = v.toString();
            if (!s.matches("[A-Za-z][A-Za-z0-9-]{0,63}")) {
                return "must be a header name such as Surrogate-Key or Cache-Tag, got '" + s + "'";
            }
            return java.util.Set.of("location", "cache-control", "content-length", "content-type", "date", "server",
                    "x-robots-tag", "connection", "server-timing", "strict-transport-security", "alt-svc")
                    .contains(s.toLowerCase(Locale.ROOT)) ? "'" + s + "' is a header shortr sets itself; pick another" : null;
        };

        /** Base URLs of servers, {@code http://host:port}: no path, query or credentials. */
        Rule BASE_URLS = v -> {
            for (Object o : (Collection<?>) v) {
                String s = o.toString();
                String why = "'" + s + "' is not a base URL such as http://10.0.0.5:6081";
                try {
                    URI u = new URI(s);
                    boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
                    String path = u.getRawPath() == null ? "" : u.getRawPath();
                    if (!http || u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                            || u.getRawFragment() != null || !(path.isEmpty() || path.equals("/"))) {
                        return why;
                    }
                } catch (URISyntaxException e) {
                    return why;
                }
            }
            return null;
        };

        /** An http(s) URL, where {@code {key}} may stand for each key (one request per key). */
        Rule PURGE_URL = v -> {
            String s = v.toString();
            String unknown = placeholders(s, java.util.Set.of("{key}"));
            if (unknown != null) {
                return unknown;
            }
            String why = "must be an http:// or https:// URL such as https://api.fastly.com/service/ID/purge/{key}, got '" + s + "'";
            try {
                URI u = new URI(s.replace("{key}", "key"));
                boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
                return http && u.getHost() != null && u.getRawFragment() == null ? null : why;
            } catch (URISyntaxException e) {
                return why;
            }
        };

        Rule METHOD = v -> v.toString().matches("[A-Z]{1,16}") ? null : "must be an HTTP method such as POST or PURGE, got '" + v + "'";

        /** {@code Name: value}, where the value may hold {@code {token}} and {@code {keys}}. */
        Rule PURGE_HEADERS = v -> {
            for (Object o : (Collection<?>) v) {
                String h = o.toString();
                int colon = h.indexOf(':');
                if (colon < 1 || !h.substring(0, colon).strip().matches("[A-Za-z0-9-]+") || h.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    return "'" + h + "' is not a header such as 'Authorization: Bearer {token}'";
                }
                String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                if (java.util.Set.of("host", "connection", "content-length", "expect", "upgrade").contains(name)) {
                    return "'" + h + "': the HTTP client sets " + h.substring(0, colon).strip() + " itself";
                }
                String unknown = placeholders(h.substring(colon + 1), java.util.Set.of("{token}", "{keys}"));
                if (unknown != null) {
                    return unknown;
                }
            }
            return null;
        };

        Rule PURGE_BODY = v -> placeholders(v.toString(), java.util.Set.of("{keys}", "{keysJson}"));

        /** The first {@code {name}} in {@code s} that is not one of {@code allowed}, as a problem, or null. */
        private static String placeholders(String s, java.util.Set<String> allowed) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{[A-Za-z]*}").matcher(s);
            while (m.find()) {
                if (!allowed.contains(m.group())) {
                    return "'" + m.group() + "' is not a placeholder here; use " + String.join(" or ", new java.util.TreeSet<>(allowed));
                }
            }
            return null;
        }

        /** A duration of whole seconds, from 0 to {@code max}: it becomes a number of seconds in a header. */
        static Rule wholeSeconds(Duration max) {
            Rule range = between(Duration.ZERO, max);
            return v -> {
                Duration d = (Duration) v;
                return d.toNanosPart() != 0 ? "must be whole seconds, got " + shortForm(d) : range.problem(v);
            };
        }

        static Rule oneOf(String... allowed) {
            java.util.List<String> ok = java.util.List.of(allowed);
            return v -> ok.contains(v.toString()) ? null : "must be one of " + String.join(", ", ok) + ", got '" + v + "'";
        }

        static Rule between(Duration min, Duration max) {
            return v -> {
                Duration d = (Duration) v;
                return d.compareTo(min) < 0 || d.compareTo(max) > 0
                        ? "must be between " + shortForm(min) + " and " + shortForm(max) + ", got " + shortForm(d) : null;
            };
        }

        /** A duration as it would be written in the config: 500ms, 5s, 2m, 1h, else ISO-8601. */
        private static String shortForm(Duration d) {
            long ms = d.toMillis();
            if (d.isNegative() || d.toNanosPart() % 1_000_000 != 0) {
                return d.toString();
            }
            if (ms % 3_600_000 == 0 && ms > 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms % 60_000 == 0 && ms > 0) {
                return ms / 60_000 + "m";
            }
            return ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
        }

        static Rule range(long min, long max) {
            return v -> {
                long n = ((Number) v).longValue();
                return n < min || n > max ? "must be between " + min + " and " + max + ", got " + n : null;
            };
        }
    }
}
