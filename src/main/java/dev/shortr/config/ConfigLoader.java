package dev.shortr.config;

import static dev.shortr.config.Setting.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a {@link ShortrConfig}: defaults, then the YAML file, then {@code SHORTR_*} environment variables,
 * then overrides (command-line flags); a later layer wins. Every value is checked and every problem is
 * collected before anything is built, so one run reports all of them.
 */
public final class ConfigLoader {
    private static final String OVERRIDE = "command line";

    private ConfigLoader() {}

    /**
     * @param yamlFileOrNull a YAML file shaped like the records ({@code server: {port: 8080}}), or null for none
     * @param env            the process environment (or a test's); only {@code SHORTR_*} names are read
     * @param overrides      dotted keys as in the YAML ({@code server.port}) to values as text; null values are skipped
     * @throws ConfigException listing every problem found
     */
    public static ShortrConfig load(Path yamlFileOrNull, Map<String, String> env, Map<String, String> overrides) {
        List<String> problems = new ArrayList<>();
        Map<Setting, Raw> raw = new EnumMap<>(Setting.class);
        if (yamlFileOrNull != null) {
            raw.putAll(YamlSource.read(yamlFileOrNull, problems));
        }
        raw.putAll(EnvSource.read(env, problems));
        overrides.forEach((key, value) -> {
            Setting s = Setting.BY_KEY.get(key);
            if (s == null) {
                problems.add(key + ": unknown setting (" + OVERRIDE + ")" + Nearest.suggestion(key, Setting.BY_KEY.keySet()));
            } else if (value != null) {
                raw.put(s, new Raw(value, OVERRIDE));
            }
        });

        ShortrConfig defaults = ShortrConfig.defaults();
        Map<Setting, Object> v = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            Raw r = raw.get(s);
            if (r == null) {
                v.put(s, s.defaultValue(defaults));
                continue;
            }
            try {
                Object parsed = s.kind.parse(r.value());
                String problem = s.problem(parsed);
                if (problem != null) {
                    problems.add(s.key + ": " + problem + r.where());
                }
                v.put(s, parsed);
            } catch (IllegalArgumentException e) {
                problems.add(s.key + ": " + e.getMessage() + r.where());
            }
        }
        Path dataDir = (Path) v.get(STORE_DATA_DIR);
        if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            problems.add(STORE_DATA_DIR.key + ": " + dataDir + " exists and is not a directory" + where(raw, STORE_DATA_DIR));
        }
        storeProblems(v, raw, problems);
        if (problems.isEmpty()) {
            tlsProblems(v, raw, problems);
            redisProblems(v, raw, problems);
            purgeProblems(v, raw, problems);

        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return build(v);
    }

    /** A PostgreSQL password comes from the URL or from a readable file, not both; nothing is checked for SQLite. */
    private static void storeProblems(Map<Setting, Object> v, Map<Setting, Raw> raw, List<String> problems) {
        String url = (String) v.get(STORE_URL);
        Path passwordFile = (Path) v.get(STORE_PASSWORD_FILE);
        if (passwordFile == null || !PostgresUrl.isPostgres(url)) {
            return;
        }
        if (!Files.isRegularFile(passwordFile) || !Files.isReadable(passwordFile)) {
            problems.add(STORE_PASSWORD_FILE.key + ": " + passwordFile + " is not a readable file" + where(raw, STORE_PASSWORD_FILE));
        }
        try {
            if (PostgresUrl.parse(url).password() != null) {
                problems.add(STORE_PASSWORD_FILE.key + ": the store URL carries a password too; keep it in one place (the file)"
                        + where(raw, STORE_PASSWORD_FILE));
            }
        } catch (IllegalArgumentException e) {
            // store.url's own problem is reported already
        }
    }

    /** Rules across TLS settings, and the certificate files, which must be there before any socket opens. */
    private static void tlsProblems(Map<Setting, Object> v, Map<Setting, Raw> raw, List<String> problems) {
        String preload = TlsConfig.preloadProblem((Duration) v.get(TLS_HSTS_MAX_AGE), (Boolean) v.get(TLS_HSTS_INCLUDE_SUBDOMAINS),
                (Boolean) v.get(TLS_HSTS_PRELOAD));
        if (preload != null) {
            problems.add(TLS_HSTS_PRELOAD.key + ": " + preload + where(raw, TLS_HSTS_PRELOAD));
        }
        acmeProblems(v, raw, problems);
        if (!(Boolean) v.get(TLS_ENABLED)) {
            return;
        }
        long tlsPort = number(v, TLS_PORT);
        if (tlsPort != 0 && tlsPort == number(v, SERVER_PORT)) { // parsed values are Long, defaults Integer
            problems.add(TLS_PORT.key + ": " + v.get(TLS_PORT) + " is server.port too; HTTPS needs a port of its own"
                    + where(raw, TLS_PORT));
        }
        for (Object entry : (java.util.Collection<?>) v.get(TLS_CERTIFICATES)) {
            for (String file : entry.toString().split(":")) {
                Path p = Path.of(file.strip());
                if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                    problems.add(TLS_CERTIFICATES.key + ": " + p + " is not a readable file" + where(raw, TLS_CERTIFICATES));
                }
            }
        }
    }

    /** Rules across ACME settings, and its CA file; nothing is checked while ACME is off. */
    private static void acmeProblems(Map<Setting, Object> v, Map<Setting, Raw> raw, List<String> problems) {
        if (!(Boolean) v.get(TLS_ACME_ENABLED)) {
            return;
        }
        if (!(Boolean) v.get(TLS_ENABLED)) {
            problems.add(TlsConfig.ACME_WITHOUT_TLS + where(raw, TLS_ACME_ENABLED));
        }
        String p = AcmeConfig.problem(true, (java.util.Collection<?>) v.get(TLS_ACME_DOMAINS), (Boolean) v.get(TLS_ACME_AGREE_TO_TERMS));
        if (p != null) {
            problems.add(p + where(raw, p.startsWith(TLS_ACME_DOMAINS.key) ? TLS_ACME_DOMAINS : TLS_ACME_AGREE_TO_TERMS));
        }
        Path ca = (Path) v.get(TLS_ACME_DIRECTORY_CA);
        if (ca != null && (!Files.isRegularFile(ca) || !Files.isReadable(ca))) {
            problems.add(TLS_ACME_DIRECTORY_CA.key + ": " + ca + " is not a readable file" + where(raw, TLS_ACME_DIRECTORY_CA));
        }
    }

    /** Redis's password file must be readable before the node starts (nothing is read while Redis is off). */
    private static void redisProblems(Map<Setting, Object> v, Map<Setting, Raw> raw, List<String> problems) {
        Path password = (Path) v.get(REDIS_PASSWORD_FILE);
        if (password == null || ((String) v.get(REDIS_URL)).isEmpty()) {
            return;
        }
        if (!Files.isRegularFile(password) || !Files.isReadable(password)) {
            problems.add(REDIS_PASSWORD_FILE.key + ": " + password + " is not a readable file" + where(raw, REDIS_PASSWORD_FILE));
        }
    }

    /** A purge API's token file must be readable, and a {@code {token}} header needs one (nothing is checked without a URL). */
    private static void purgeProblems(Map<Setting, Object> v, Map<Setting, Raw> raw, List<String> problems) {
        if (v.get(CDN_PURGE_HTTP_URL) == null) {
            return;
        }
        Path token = (Path) v.get(CDN_PURGE_HTTP_TOKEN_FILE);
        if (token != null && (!Files.isRegularFile(token) || !Files.isReadable(token))) {
            problems.add(CDN_PURGE_HTTP_TOKEN_FILE.key + ": " + token + " is not a readable file" + where(raw, CDN_PURGE_HTTP_TOKEN_FILE));
        }
        boolean wantsToken = ((java.util.Collection<?>) v.get(CDN_PURGE_HTTP_HEADERS)).stream().anyMatch(h -> h.toString().contains("{token}"));
        if (token == null && wantsToken) {
            problems.add(CDN_PURGE_HTTP_HEADERS.key + ": a header uses {token}, but cdn.purge.http.tokenFile names no file"
                    + where(raw, CDN_PURGE_HTTP_HEADERS));
        }
    }

    /** The environment of this process: the one place in shortr that reads it. */
    public static Map<String, String> environment() {
        return System.getenv();
    }

    private static String where(Map<Setting, Raw> raw, Setting s) {
        Raw r = raw.get(s);
        return r == null ? "" : r.where();
    }

    @SuppressWarnings("unchecked")
    private static ShortrConfig build(Map<Setting, Object> v) {
        return new ShortrConfig(
                new ServerConfig((String) v.get(SERVER_HOST), integer(v, SERVER_PORT), integer(v, SERVER_IO_THREADS),
                        (String) v.get(SERVER_PUBLIC_URL), integer(v, SERVER_MAX_BODY_BYTES), (Boolean) v.get(SERVER_ACCESS_LOG),
                        (Duration) v.get(SERVER_IDLE_TIMEOUT), (Duration) v.get(SERVER_SHUTDOWN_GRACE),
                        integer(v, SERVER_BACKGROUND_NICE), (Boolean) v.get(SERVER_UI), (Duration) v.get(SERVER_HEADER_TIMEOUT),
                        integer(v, SERVER_MAX_CONNECTIONS), (Boolean) v.get(SERVER_SERVER_TIMING),
                        new Http2Config((Boolean) v.get(HTTP2_ENABLED), integer(v, HTTP2_MAX_CONCURRENT_STREAMS),
                                integer(v, HTTP2_MAX_HEADER_LIST_SIZE), integer(v, HTTP2_INITIAL_WINDOW_SIZE),
                                integer(v, HTTP2_CONNECTION_WINDOW_SIZE), integer(v, HTTP2_MAX_RESETS),
                                (Duration) v.get(HTTP2_RESET_WINDOW))),
                new StoreConfig((String) v.get(STORE_URL), (Path) v.get(STORE_DATA_DIR), integer(v, STORE_READ_CONNECTIONS),
                        integer(v, STORE_GROUP_COMMIT_MAX), (Path) v.get(STORE_PASSWORD_FILE), integer(v, STORE_POOL_SIZE),
                        (Duration) v.get(STORE_POOL_WAIT), (Duration) v.get(STORE_STATEMENT_TIMEOUT)),
                new LinksConfig(integer(v, LINKS_CODE_LENGTH), (Set<String>) v.get(LINKS_BLOCKED_DOMAINS)),
                new RedirectConfig(integer(v, REDIRECT_PERMANENT_CACHE_SECONDS), number(v, REDIRECT_CACHE_MAX_ENTRIES),
                        (Duration) v.get(REDIRECT_NEGATIVE_TTL)),
                new ClicksConfig((Boolean) v.get(CLICKS_ENABLED), integer(v, CLICKS_QUEUE_CAPACITY),
                        (Duration) v.get(CLICKS_FLUSH_INTERVAL), integer(v, CLICKS_MAX_BATCH),
                        new AnalyticsConfig((Boolean) v.get(CLICKS_TRACKING), (String) v.get(CLICKS_IP_STORAGE),
                                (Boolean) v.get(CLICKS_HONOUR_DNT), (Boolean) v.get(CLICKS_FULL_REFERRER),
                                integer(v, CLICKS_VISIT_RETENTION_DAYS), (Boolean) v.get(CLICKS_TRUST_FORWARDED_FOR),
                                (String) v.get(CLICKS_GEO_DATABASE), (Duration) v.get(CLICKS_COUNTERS_INTERVAL),
                                (Boolean) v.get(CLICKS_ANALYTICS)), (String) v.get(CLICKS_AGGREGATOR)),
                new AuthConfig((Boolean) v.get(AUTH_ANONYMOUS_CREATE)),
                new RateLimitConfig((Boolean) v.get(RATE_LIMIT_ENABLED), number(v, RATE_LIMIT_PER_KEY),
                        number(v, RATE_LIMIT_PER_IP), number(v, RATE_LIMIT_ANONYMOUS_CREATE)),
                new WebhooksConfig((Boolean) v.get(WEBHOOKS_ENABLED), (Duration) v.get(WEBHOOKS_CLICK_WINDOW),
                        integer(v, WEBHOOKS_MAX_ATTEMPTS), (Duration) v.get(WEBHOOKS_BACKOFF_BASE),
                        (Duration) v.get(WEBHOOKS_TIMEOUT), integer(v, WEBHOOKS_CONCURRENCY),
                        (Duration) v.get(WEBHOOKS_RETENTION), (Boolean) v.get(WEBHOOKS_ALLOW_PRIVATE)),
                new TlsConfig((Boolean) v.get(TLS_ENABLED), integer(v, TLS_PORT),
                        List.copyOf((java.util.Collection<String>) v.get(TLS_CERTIFICATES)), (String) v.get(TLS_PROVIDER),
                        (String) v.get(TLS_MIN_VERSION),
                        (Duration) v.get(TLS_HSTS_MAX_AGE), (Boolean) v.get(TLS_HSTS_INCLUDE_SUBDOMAINS),
                        (Boolean) v.get(TLS_HSTS_PRELOAD), (Boolean) v.get(TLS_REDIRECT_HTTP),
                        (Duration) v.get(TLS_SESSION_TICKET_ROTATION), integer(v, TLS_SESSION_CACHE_SIZE),
                        (Duration) v.get(TLS_SESSION_TIMEOUT), (Boolean) v.get(TLS_OCSP_STAPLING),
                        (Duration) v.get(TLS_RELOAD_INTERVAL), (Boolean) v.get(TLS_HTTP3), (Boolean) v.get(TLS_EARLY_DATA),
                        new AcmeConfig((Boolean) v.get(TLS_ACME_ENABLED), (String) v.get(TLS_ACME_DIRECTORY),
                                (Path) v.get(TLS_ACME_DIRECTORY_CA), (String) v.get(TLS_ACME_EMAIL),
                                List.copyOf((java.util.Collection<String>) v.get(TLS_ACME_DOMAINS)),
                                (Duration) v.get(TLS_ACME_RENEW_BEFORE), (Boolean) v.get(TLS_ACME_AGREE_TO_TERMS),
                                (Duration) v.get(TLS_ACME_CHECK_INTERVAL))),
                new RedisConfig((String) v.get(REDIS_URL), (Path) v.get(REDIS_PASSWORD_FILE), (Duration) v.get(REDIS_TIMEOUT),
                        (Duration) v.get(REDIS_CONNECT_TIMEOUT), (Duration) v.get(REDIS_FALLBACK_CACHE_TTL),
                        (Duration) v.get(REDIS_CATCH_UP_INTERVAL)),
                new DnsConfig((Path) v.get(DNS_ZONE), (String) v.get(DNS_HOST), integer(v, DNS_PORT), integer(v, DNS_THREADS)),
                new CdnConfig((Boolean) v.get(CDN_ENABLED), (Duration) v.get(CDN_SHARED_MAX_AGE),
                        (Duration) v.get(CDN_STALE_WHILE_REVALIDATE), (Duration) v.get(CDN_STALE_IF_ERROR),
                        (String) v.get(CDN_KEY_HEADER), (String) v.get(CDN_LIFETIME_HEADER), (Boolean) v.get(CDN_COUNT_EVERY_CLICK),
                        new PurgeConfig(List.copyOf((java.util.Collection<String>) v.get(CDN_PURGE_VARNISH)),
                                (String) v.get(CDN_PURGE_HTTP_URL), (String) v.get(CDN_PURGE_HTTP_METHOD),
                                List.copyOf((java.util.Collection<String>) v.get(CDN_PURGE_HTTP_HEADERS)),
                                (String) v.get(CDN_PURGE_HTTP_BODY), (Path) v.get(CDN_PURGE_HTTP_TOKEN_FILE),
                                integer(v, CDN_PURGE_HTTP_BATCH), integer(v, CDN_PURGE_MAX_ATTEMPTS),
                                (Duration) v.get(CDN_PURGE_BACKOFF_BASE), (Duration) v.get(CDN_PURGE_TIMEOUT))));
    }

    private static int integer(Map<Setting, Object> v, Setting s) {
        return Math.toIntExact(number(v, s)); // the rules have bounded every int setting already
    }

    private static long number(Map<Setting, Object> v, Setting s) {
        return ((Number) v.get(s)).longValue();
    }
}
