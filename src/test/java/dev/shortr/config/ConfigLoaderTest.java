package dev.shortr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void nothingGivenMeansTheDefaults() {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of())).isEqualTo(ShortrConfig.defaults());
    }

    @Test
    void theDocumentedExampleLoads() throws IOException {
        Path f = yaml("""
                server: { host: 0.0.0.0, port: 8080, ioThreads: 2, publicUrl: https://sho.rt, maxBodyBytes: 1048576, accessLog: false, idleTimeout: 60s, shutdownGrace: 10s }
                store: { url: sqlite, dataDir: ./shortr-data, readConnections: 4, groupCommitMax: 512 }
                links: { codeLength: 7, blockedDomains: [evil.example] }
                redirect: { permanentCacheSeconds: 3600, cacheMaxEntries: 2000000, negativeTtl: 5s }
                clicks: { enabled: true, queueCapacity: 65536, flushInterval: 500ms, maxBatch: 50000 }
                auth: { anonymousCreate: false }
                rateLimit: { enabled: true, perKey: 6000, perIp: 12000, anonymousCreate: 30 }
                """);
        ShortrConfig c = ConfigLoader.load(f, Map.of(), Map.of());
        assertThat(c.server()).isEqualTo(new ServerConfig("0.0.0.0", 8080, 2, "https://sho.rt", 1 << 20, false,
                Duration.ofSeconds(60), Duration.ofSeconds(10), 10, true, Duration.ofSeconds(10), 10_000, true));
        assertThat(c.store()).isEqualTo(new StoreConfig("sqlite", Path.of("./shortr-data"), 4, 512));
        assertThat(c.links().blockedDomains()).containsExactly("evil.example");
        assertThat(c.clicks().flushInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.redirect().negativeTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.rateLimit()).isEqualTo(new RateLimitConfig(true, 6000, 12000, 30));
    }

    @Test
    void webhooksAreConfiguredLikeEverythingElse() throws IOException {
        Path f = yaml("""
                webhooks: { enabled: true, clickWindow: 30s, maxAttempts: 5, backoffBase: 1s, timeout: 3s, concurrency: 8, retention: 168h }
                """);
        ShortrConfig c = ConfigLoader.load(f, Map.of("SHORTR_WEBHOOKS_CONCURRENCY", "32", "SHORTR_WEBHOOKS_ALLOW_PRIVATE", "true"),
                Map.of("webhooks.maxAttempts", "7"));
        assertThat(c.webhooks()).isEqualTo(new WebhooksConfig(true, Duration.ofSeconds(30), 7, Duration.ofSeconds(1),
                Duration.ofSeconds(3), 32, Duration.ofDays(7), true));
        assertThat(ShortrConfig.defaults().webhooks()).as("private addresses are refused unless allowed")
                .isEqualTo(new WebhooksConfig(true, Duration.ofSeconds(10), 10, Duration.ofSeconds(5), Duration.ofSeconds(10), 16,
                        Duration.ofDays(30), false));
    }

    @Test
    void tlsIsConfiguredLikeEverythingElse() throws IOException {
        Path chain = Files.writeString(dir.resolve("sho.rt.pem"), "x");
        Path key = Files.writeString(dir.resolve("sho.rt.key"), "x");
        Path both = Files.writeString(dir.resolve("go.pem"), "x");
        Path f = yaml("tls: { enabled: true, port: 443, certificates: [\"" + chain + ":" + key + "\", \"" + both + "\"], "
                + "minVersion: TLSv1.3, hstsMaxAge: 8760h, hstsIncludeSubdomains: true, hstsPreload: true, sessionTicketRotation: 6h }\n");
        ShortrConfig c = ConfigLoader.load(f, Map.of("SHORTR_TLS_PROVIDER", "jdk"), Map.of("tls.redirectHttp", "false"));
        assertThat(c.tls()).isEqualTo(new TlsConfig(true, 443, List.of(chain + ":" + key, both.toString()), "jdk", "TLSv1.3",
                Duration.ofDays(365), true, true, false, Duration.ofHours(6), 20_480, Duration.ofHours(12), true, Duration.ofSeconds(2)));
        assertThat(c.tls().hstsHeader()).isEqualTo("max-age=31536000; includeSubDomains; preload");
        assertThat(TlsConfig.defaults().hstsHeader()).isEqualTo("max-age=31536000");
    }

    @Test
    void http3AndItsEarlyDataAreOnWithTlsUnlessSwitchedOff() throws IOException {
        assertThat(TlsConfig.defaults().http3()).isTrue();
        assertThat(TlsConfig.defaults().earlyData()).isTrue();
        ShortrConfig c = ConfigLoader.load(yaml("tls: { http3: true, earlyData: false }\n"), Map.of(), Map.of());
        assertThat(c.tls().http3()).isTrue();
        assertThat(c.tls().earlyData()).isFalse();
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("tls.http3", "false")).tls().http3()).isFalse();
    }

    @Test
    void badTlsSettingsAreAllListedBeforeAnySocketOpens() {
        Path missing = dir.resolve("missing.pem");
        assertThat(problems(null, Map.of("SHORTR_TLS", "true", "SHORTR_TLS_PORT", "8080", "SHORTR_TLS_CERTIFICATES",
                missing + ",a:b:c", "SHORTR_TLS_MIN_VERSION", "TLSv1.1", "SHORTR_TLS_HSTS_PRELOAD", "true"), Map.of()))
                .containsExactlyInAnyOrder(
                        "tls.certificates: 'a:b:c' is not CHAIN.pem:KEY.pem or one PEM file with both (SHORTR_TLS_CERTIFICATES)",
                        "tls.minVersion: must be one of TLSv1.2, TLSv1.3, got 'TLSv1.1' (SHORTR_TLS_MIN_VERSION)");
        assertThat(problems(null, Map.of("SHORTR_TLS", "true", "SHORTR_TLS_PORT", "8080", "SHORTR_TLS_CERTIFICATES",
                missing.toString(), "SHORTR_TLS_HSTS_PRELOAD", "true"), Map.of()))
                .containsExactlyInAnyOrder(
                        "tls.hstsPreload: needs tls.hstsIncludeSubdomains: true (preload lists refuse a policy without it) (SHORTR_TLS_HSTS_PRELOAD)",
                        "tls.port: 8080 is server.port too; HTTPS needs a port of its own (SHORTR_TLS_PORT)",
                        "tls.certificates: " + missing + " is not a readable file (SHORTR_TLS_CERTIFICATES)");
    }

    @Test
    void acmeIsANestedMappingUnderTls() throws IOException {
        Path ca = Files.writeString(dir.resolve("pebble-ca.pem"), "x");
        Path f = yaml("""
                tls:
                  enabled: true
                  acme:
                    enabled: true
                    directory: https://acme-staging-v02.api.letsencrypt.org/directory
                    directoryCa: %s
                    email: ops@sho.rt
                    domains: [Sho.rt, go.sho.rt]
                    agreeToTerms: true
                """.formatted(ca));
        ShortrConfig c = ConfigLoader.load(f, Map.of("SHORTR_TLS_ACME_RENEW_BEFORE", "240h"), Map.of("tls.acme.checkInterval", "12h"));
        assertThat(c.tls().acme()).isEqualTo(new AcmeConfig(true, AcmeConfig.LETS_ENCRYPT_STAGING, ca, "ops@sho.rt",
                List.of("sho.rt", "go.sho.rt"), Duration.ofDays(10), true, Duration.ofHours(12)));
        assertThat(ShortrConfig.defaults().tls().acme()).as("off, Let's Encrypt production, 30 days early, daily checks")
                .isEqualTo(new AcmeConfig(false, "https://acme-v02.api.letsencrypt.org/directory", null, "", List.of(),
                        Duration.ofDays(30), false, Duration.ofHours(24)));
    }

    @Test
    void badAcmeValuesAreAllListed() {
        assertThat(problems(null, Map.of("SHORTR_TLS", "true", "SHORTR_TLS_ACME_ENABLED", "true",
                "SHORTR_TLS_ACME_DIRECTORY", "http://acme.example/directory", "SHORTR_TLS_ACME_DOMAINS", "sho.rt,*.sho.rt",
                "SHORTR_TLS_ACME_EMAIL", "ops at sho.rt", "SHORTR_TLS_ACME_RENEW_BEFORE", "30m"), Map.of()))
                .containsExactlyInAnyOrder(
                        "tls.acme.directory: must be an https:// URL, got 'http://acme.example/directory' (SHORTR_TLS_ACME_DIRECTORY)",
                        "tls.acme.domains: '*.sho.rt' is a wildcard, which only DNS-01 can prove; shortr answers HTTP-01: list "
                                + "each name (SHORTR_TLS_ACME_DOMAINS)",
                        "tls.acme.email: must be an email address such as ops@sho.rt, got 'ops at sho.rt' (SHORTR_TLS_ACME_EMAIL)",
                        "tls.acme.renewBefore: must be between 1h and 87600h, got 30m (SHORTR_TLS_ACME_RENEW_BEFORE)");
        assertThat(problems(null, Map.of("SHORTR_TLS_ACME_DOMAINS", "127.0.0.1"), Map.of())).containsExactly(
                "tls.acme.domains: '127.0.0.1' is an IP address; HTTP-01 proves DNS names only (SHORTR_TLS_ACME_DOMAINS)");
    }

    @Test
    void anEnabledAcmeThatCannotOrderIsRefusedBeforeAnySocketOpens() {
        Path missing = dir.resolve("missing-ca.pem");
        assertThat(problems(null, Map.of("SHORTR_TLS_ACME_ENABLED", "true", "SHORTR_TLS_ACME_DIRECTORY_CA", missing.toString()),
                Map.of())).containsExactlyInAnyOrder(
                        "tls.acme.enabled: needs tls.enabled: true (the certificate is for the HTTPS listener) (SHORTR_TLS_ACME_ENABLED)",
                        "tls.acme.domains: name at least one domain to order a certificate for",
                        "tls.acme.directoryCa: " + missing + " is not a readable file (SHORTR_TLS_ACME_DIRECTORY_CA)");
        assertThat(problems(null, Map.of("SHORTR_TLS", "true", "SHORTR_TLS_ACME_ENABLED", "true", "SHORTR_TLS_ACME_DOMAINS", "sho.rt"),
                Map.of())).singleElement().asString().startsWith("tls.acme.agreeToTerms: must be true to order certificates");
        assertThatThrownBy(() -> TlsConfig.defaults().withAcme(new AcmeConfig(true, AcmeConfig.LETS_ENCRYPT, null, "",
                List.of("sho.rt"), Duration.ofDays(30), true, Duration.ofHours(24))))
                .as("records refuse it too").hasMessageContaining("needs tls.enabled");
    }

    @Test
    void unknownAcmeKeysGetSuggestionsAndTheMappingMustBeOne() throws IOException {
        Path f = yaml("tls:\n  acme:\n    renewBefor: 240h\n");
        assertThat(problems(f, Map.of(), Map.of())).containsExactly(
                "tls.acme.renewBefor: unknown key; did you mean tls.acme.renewBefore? (" + f + " line 3)");
        Path g = yaml("tls:\n  acme: true\n");
        assertThat(problems(g, Map.of(), Map.of())).containsExactly("tls.acme: expected a mapping of settings, got 'true' (" + g + " line 2)");
    }

    @Test
    void postgresIsChosenByItsUrlWithThePasswordFromAFile() throws IOException {
        Path secret = Files.writeString(dir.resolve("pg-password"), "s3cret\n");
        Path f = yaml("""
                store: postgres://shortr@db.internal:5433/shortr?sslmode=require
                """);
        ShortrConfig c = ConfigLoader.load(f, Map.of("SHORTR_STORE_PASSWORD_FILE", secret.toString(), "SHORTR_STORE_POOL_SIZE", "32",
                "SHORTR_STORE_POOL_WAIT", "500ms"), Map.of("store.statementTimeout", "5s"));

        StoreConfig store = c.store();
        assertThat(store.postgres()).isTrue();
        assertThat(store.url()).isEqualTo("postgres://shortr@db.internal:5433/shortr?sslmode=require");
        assertThat(store.passwordFile()).isEqualTo(secret);
        assertThat(store.poolSize()).isEqualTo(32);
        assertThat(store.poolWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(store.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        PostgresUrl url = store.postgresUrl();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/shortr?sslmode=require");
        assertThat(url.user()).isEqualTo("shortr");
        assertThat(url.password()).isNull();
        assertThat(ConfigLoader.load(null, Map.of("SHORTR_STORE", "postgresql://db/links"), Map.of()).store().postgresUrl())
                .isEqualTo(new PostgresUrl("db", 5432, "links", null, null, Map.of()));
        assertThat(ShortrConfig.defaults().store()).as("defaults").isEqualTo(new StoreConfig("sqlite", Path.of("shortr-data"), 4, 512,
                null, 10, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    }

    @Test
    void aPasswordInTheUrlIsNeverShown() {
        String url = "postgres://shortr:p%40ss@db.internal/shortr?password=other&connectTimeout=3";
        StoreConfig store = ConfigLoader.load(null, Map.of("SHORTR_STORE", url), Map.of()).store();

        assertThat(store.postgresUrl().password()).isEqualTo("p@ss");
        assertThat(store.postgresUrl().params()).containsExactly(Map.entry("connectTimeout", "3"));
        assertThat(store.toString()).contains("postgres://shortr:***@db.internal/shortr?password=***&connectTimeout=3")
                .doesNotContain("p%40ss").doesNotContain("other");
        assertThat(store.postgresUrl().toString()).isEqualTo("postgres://shortr:***@db.internal:5432/shortr?connectTimeout=3");
        assertThat(problems(null, Map.of("SHORTR_STORE", "postgres://shortr:hunter2@db.internal"), Map.of()))
                .singleElement().asString().contains("postgres://shortr:***@db.internal").doesNotContain("hunter2");
    }

    @Test
    void badPostgresSettingsAreAllListedBeforeAnySocketOpens() throws IOException {
        Path unreadable = dir.resolve("absent-password");
        assertThat(problems(null, Map.of("SHORTR_STORE", "postgres://shortr:pw@db.internal/shortr",
                "SHORTR_STORE_PASSWORD_FILE", unreadable.toString(), "SHORTR_STORE_POOL_SIZE", "5000"),
                Map.of("store.statementTimeout", "2h")))
                .containsExactlyInAnyOrder(
                        "store.poolSize: must be between 1 and 1000, got 5000 (SHORTR_STORE_POOL_SIZE)",
                        "store.statementTimeout: must be between 100ms and 1h, got 2h (command line)",
                        "store.passwordFile: " + unreadable + " is not a readable file (SHORTR_STORE_PASSWORD_FILE)",
                        "store.passwordFile: the store URL carries a password too; keep it in one place (the file) "
                                + "(SHORTR_STORE_PASSWORD_FILE)");
        assertThat(ConfigLoader.load(null, Map.of("SHORTR_STORE_PASSWORD_FILE", unreadable.toString()), Map.of()).store().url())
                .as("with SQLite the password file is not read").isEqualTo("sqlite");
    }

    @Test
    void badWebhookSettingsAreAllListed() {
        assertThat(problems(null, Map.of("SHORTR_WEBHOOKS_MAX_ATTEMPTS", "0", "SHORTR_WEBHOOKS_CLICK_WINDOW", "5ms",
                "SHORTR_WEBHOOKS_TIMEOUT", "10m", "SHORTR_WEBHOOKS_CONCURRENCY", "0", "SHORTR_WEBHOOKS_BACKOFF_BASE", "2h",
                "SHORTR_WEBHOOKS_ENABLED", "yes"), Map.of())).containsExactlyInAnyOrder(
                "webhooks.maxAttempts: must be between 1 and 100, got 0 (SHORTR_WEBHOOKS_MAX_ATTEMPTS)",
                "webhooks.clickWindow: must be between 10ms and 24h, got 5ms (SHORTR_WEBHOOKS_CLICK_WINDOW)",
                "webhooks.timeout: must be between 10ms and 5m, got 10m (SHORTR_WEBHOOKS_TIMEOUT)",
                "webhooks.concurrency: must be between 1 and 1024, got 0 (SHORTR_WEBHOOKS_CONCURRENCY)",
                "webhooks.backoffBase: must be between 1ms and 1h, got 2h (SHORTR_WEBHOOKS_BACKOFF_BASE)",
                "webhooks.enabled: expected true or false, got 'yes' (SHORTR_WEBHOOKS_ENABLED)");
    }

    @Test
    void badCdnSettingsAreAllListed() {
        assertThat(problems(null, Map.of("SHORTR_CDN_SHARED_MAX_AGE", "1500ms", "SHORTR_CDN_KEY_HEADER", "Location",
                "SHORTR_CDN_LIFETIME_HEADER", "Edge-Control", "SHORTR_CDN_PURGE_VARNISH", "http://10.0.0.5:6081,ftp://cache",
                "SHORTR_CDN_PURGE_HTTP_URL", "https://api.fastly.com/service/S/purge/{keys}",
                "SHORTR_CDN_PURGE_HTTP_HEADERS", "Fastly-Key {token}", "SHORTR_CDN_PURGE_HTTP_METHOD", "post"), Map.of()))
                .containsExactlyInAnyOrder(
                        "cdn.sharedMaxAge: must be whole seconds, got 1500ms (SHORTR_CDN_SHARED_MAX_AGE)",
                        "cdn.keyHeader: 'Location' is a header shortr sets itself; pick another (SHORTR_CDN_KEY_HEADER)",
                        "cdn.lifetimeHeader: must be one of Cache-Control, Surrogate-Control, CDN-Cache-Control, "
                                + "Cloudflare-CDN-Cache-Control, got 'Edge-Control' (SHORTR_CDN_LIFETIME_HEADER)",
                        "cdn.purge.varnish: 'ftp://cache' is not a base URL such as http://10.0.0.5:6081 (SHORTR_CDN_PURGE_VARNISH)",
                        "cdn.purge.http.url: '{keys}' is not a placeholder here; use {key} (SHORTR_CDN_PURGE_HTTP_URL)",
                        "cdn.purge.http.headers: 'Fastly-Key {token}' is not a header such as 'Authorization: Bearer {token}' "
                                + "(SHORTR_CDN_PURGE_HTTP_HEADERS)",
                        "cdn.purge.http.method: must be an HTTP method such as POST or PURGE, got 'post' (SHORTR_CDN_PURGE_HTTP_METHOD)");
    }

    @Test
    void aPurgeApiTokenMustBeInAReadableFile() throws IOException {
        Path missing = dir.resolve("no-token");
        assertThat(problems(yaml("""
                cdn:
                  enabled: true
                  purge:
                    http:
                      url: https://api.cloudflare.com/client/v4/zones/Z/purge_cache
                      headers: ["Authorization: Bearer {token}"]
                      body: '{"tags": {keysJson}}'
                """), Map.of(), Map.of())).singleElement().asString()
                .startsWith("cdn.purge.http.headers: a header uses {token}, but cdn.purge.http.tokenFile names no file");
        assertThat(problems(null, Map.of("SHORTR_CDN_PURGE_HTTP_URL", "https://api.fastly.com/service/S/purge/{key}",
                "SHORTR_CDN_PURGE_HTTP_TOKEN_FILE", missing.toString()), Map.of()))
                .containsExactly("cdn.purge.http.tokenFile: " + missing + " is not a readable file (SHORTR_CDN_PURGE_HTTP_TOKEN_FILE)");
    }

    @Test
    void theCloudflareExampleOfTheDocsLoads() throws IOException {
        Path token = Files.writeString(dir.resolve("cf-token"), "secret\n");
        ShortrConfig c = ConfigLoader.load(yaml("""
                cdn:
                  enabled: true
                  keyHeader: Cache-Tag
                  lifetimeHeader: CDN-Cache-Control
                  purge:
                    http:
                      url: https://api.cloudflare.com/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache
                      headers: ["Authorization: Bearer {token}"]
                      body: '{"tags": {keysJson}}'
                      tokenFile: %s
                """.formatted(token)), Map.of(), Map.of());
        assertThat(c.cdn().keyHeader()).isEqualTo("Cache-Tag");
        assertThat(c.cdn().purge().httpHeaders()).containsExactly("Authorization: Bearer {token}");
        assertThat(c.cdn().purge().httpBody()).isEqualTo("{\"tags\": {keysJson}}");
        assertThat(c.cdn().purge().enabled()).isTrue();
        assertThat(ShortrConfig.defaults().cdn().enabled()).as("off unless configured").isFalse();
        assertThat(ShortrConfig.defaults().cdn().purge().enabled()).isFalse();
    }

    @ParameterizedTest(name = "file={0} env={1} flag={2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            "-,    -,    -,    8080",
            "1111, -,    -,    1111",
            "1111, 2222, -,    2222",
            "-,    2222, -,    2222",
            "1111, -,    3333, 3333",
            "-,    2222, 3333, 3333",
            "1111, 2222, 3333, 3333",
    })
    void laterLayersWin(String inFile, String inEnv, String inFlag, int expected) throws IOException {
        Path f = inFile == null ? null : yaml("server:\n  port: " + inFile + "\n");
        Map<String, String> env = inEnv == null ? Map.of() : Map.of("SHORTR_SERVER_PORT", inEnv);
        Map<String, String> flags = inFlag == null ? Map.of() : Map.of("server.port", inFlag);
        assertThat(ConfigLoader.load(f, env, flags).server().port()).isEqualTo(expected);
    }

    static Stream<Arguments> aliases() {
        return Stream.of(
                alias("SHORTR_PORT", "9090", c -> c.server().port(), 9090),
                alias("SHORTR_DATA_DIR", "/var/lib/shortr", c -> c.store().dataDir(), Path.of("/var/lib/shortr")),
                alias("SHORTR_IO_THREADS", "3", c -> c.server().ioThreads(), 3),
                alias("SHORTR_HOST", "127.0.0.1", c -> c.server().host(), "127.0.0.1"),
                alias("SHORTR_PUBLIC_URL", "https://sho.rt", c -> c.server().publicUrl(), "https://sho.rt"),
                alias("SHORTR_STORE", "sqlite", c -> c.store().url(), "sqlite"),
                alias("SHORTR_ACCESS_LOG", "true", c -> c.server().accessLog(), true),
                alias("SHORTR_ANONYMOUS_CREATE", "true", c -> c.auth().anonymousCreate(), true),
                // generic names, including multi-word sections and keys
                alias("SHORTR_SERVER_PORT", "9091", c -> c.server().port(), 9091),
                alias("SHORTR_RATE_LIMIT_PER_KEY", "10", c -> c.rateLimit().perKey(), 10L),
                alias("SHORTR_RATE_LIMIT_ANONYMOUS_CREATE", "5", c -> c.rateLimit().anonymousCreate(), 5L),
                alias("SHORTR_LINKS_BLOCKED_DOMAINS", "evil.example, Bad.Example,,", c -> c.links().blockedDomains(),
                        Set.of("evil.example", "bad.example")),
                alias("SHORTR_CLICKS_FLUSH_INTERVAL", "2m", c -> c.clicks().flushInterval(), Duration.ofMinutes(2)),
                alias("SHORTR_REDIRECT_CACHE_MAX_ENTRIES", "1_000", c -> c.redirect().cacheMaxEntries(), 1000L),
                alias("SHORTR_HTTP2_MAX_CONCURRENT_STREAMS", "250", c -> c.server().http2().maxConcurrentStreams(), 250),
                alias("SHORTR_HTTP2_RESET_WINDOW", "1m", c -> c.server().http2().resetWindow(), Duration.ofMinutes(1)),
                alias("SHORTR_HTTP2_ENABLED", "false", c -> c.server().http2().enabled(), false),
                alias("SHORTR_HTTP3", "false", c -> c.tls().http3(), false),
                alias("SHORTR_TLS_HTTP3", "false", c -> c.tls().http3(), false),
                alias("SHORTR_TLS_EARLY_DATA", "false", c -> c.tls().earlyData(), false));
    }

    private static Arguments alias(String name, String value, Function<ShortrConfig, Object> read, Object expected) {
        return Arguments.of(name, value, read, expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("aliases")
    void environmentVariablesSetTheirSetting(String name, String value, Function<ShortrConfig, Object> read, Object expected) {
        assertThat(read.apply(ConfigLoader.load(null, Map.of(name, value), Map.of()))).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingAnswersToItsGenericEnvironmentName(Setting s) {
        Object d = s.defaultValue(ShortrConfig.defaults());
        String text = d == null ? "https://example.com" : d instanceof java.util.Collection<?> list
                ? list.stream().map(Object::toString).collect(Collectors.joining(",")) : d.toString();
        ShortrConfig c = ConfigLoader.load(null, Map.of(s.envName(), text), Map.of());
        assertThat(c).isNotNull();
        assertThat(s.envName()).matches("SHORTR_[A-Z][A-Z0-9_]+").doesNotContain("__");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"500ms, PT0.5S", "5s, PT5S", "2m, PT2M", "1h, PT1H", "PT5S, PT5S", "pt1m30s, PT1M30S", "0, PT0S", "60S, PT1M"})
    void durationsInShortAndIsoForm(String text, Duration expected) {
        ShortrConfig c = ConfigLoader.load(null, Map.of("SHORTR_REDIRECT_NEGATIVE_TTL", text), Map.of());
        assertThat(c.redirect().negativeTtl()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "5     | expected a duration such as 500ms, 5s, 2m, 1h or PT5S, got '5' (add a unit: 5s or 5ms)",
            "1.5s  | expected a duration such as 500ms, 5s, 2m, 1h or PT5S, got '1.5s'",
            "5d    | expected a duration such as 500ms, 5s, 2m, 1h or PT5S, got '5d'",
            "-PT5S | must not be negative, got PT-5S",
    })
    void badDurationsSayWhatIsExpected(String text, String problem) {
        assertThat(problems(null, Map.of("SHORTR_REDIRECT_NEGATIVE_TTL", text), Map.of()))
                .containsExactly("redirect.negativeTtl: " + problem + " (SHORTR_REDIRECT_NEGATIVE_TTL)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SHORTR_PUBLIC_URL_FILE        | 'https://sho.rt\n'   | https://sho.rt",
            "SHORTR_SERVER_PUBLIC_URL_FILE | 'https://a.example/' | https://a.example",
            "SHORTR_PORT_FILE              | '9000\r\n'           | 9000",
            "SHORTR_SERVER_PORT_FILE       | 9001                 | 9001",
            "SHORTR_DATA_DIR_FILE          | '/srv/shortr\n\n'    | /srv/shortr",
    })
    void fileFormsReadTheValueFromAFile(String name, String content, String expected) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), content.replace("\\n", "\n").replace("\\r", "\r"));
        ShortrConfig c = ConfigLoader.load(null, Map.of(name, secret.toString()), Map.of());
        Object actual = name.contains("URL") ? c.server().publicUrl()
                : name.contains("PORT") ? Integer.toString(c.server().port()) : c.store().dataDir().toString();
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void aMissingSecretFileIsAProblem() {
        Path missing = dir.resolve("nope");
        assertThat(problems(null, Map.of("SHORTR_PORT_FILE", missing.toString()), Map.of()))
                .containsExactly("SHORTR_PORT_FILE: " + missing + " does not exist");
    }

    @Test
    void twoNamesForOneSettingMustAgree() throws IOException {
        Path secret = Files.writeString(dir.resolve("port"), "9000");
        assertThat(ConfigLoader.load(null, Map.of("SHORTR_PORT", "9000", "SHORTR_SERVER_PORT_FILE", secret.toString()),
                Map.of()).server().port()).isEqualTo(9000);
        assertThat(problems(null, Map.of("SHORTR_PORT", "9000", "SHORTR_SERVER_PORT", "9001"), Map.of()))
                .containsExactly("server.port: set differently by SHORTR_PORT and SHORTR_SERVER_PORT; set only one");
    }

    @Test
    void aFileWithThreeMistakesReportsAllThree() throws IOException {
        Path f = yaml("""
                server:
                  prot: 8080
                  ioThreads: lots
                links:
                  codeLength: 2
                """);
        ConfigException e = catchConfig(f, Map.of(), Map.of());
        String name = f.toString();
        assertThat(e.problems()).containsExactly(
                "server.prot: unknown key; did you mean server.port? (" + name + " line 2)",
                "server.ioThreads: expected an integer, got 'lots' (" + name + " line 3)",
                "links.codeLength: must be between 4 and 32, got 2 (" + name + " line 5)");
        assertThat(e.getMessage().lines()).hasSize(3);
    }

    @Test
    void problemsFromEveryLayerAreReportedTogether() throws IOException {
        Path f = yaml("clicks:\n  queueCapacity: 0\n");
        assertThat(problems(f, Map.of("SHORTR_PROT", "1", "SHORTR_IO_THREADS", "0", "HOME", "/root"),
                Map.of("server.port", "70000", "store.dataDri", "x")))
                .containsExactlyInAnyOrder(
                        "SHORTR_PROT: unknown environment variable; did you mean SHORTR_PORT?",
                        "store.dataDri: unknown setting (command line); did you mean store.dataDir?",
                        "server.port: must be between 0 and 65535, got 70000 (command line)",
                        "server.ioThreads: must be between 1 and 256, got 0 (SHORTR_IO_THREADS)",
                        "clicks.queueCapacity: must be between 1 and 16777216, got 0 (" + f + " line 2)");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "server.port          | abc       | expected an integer, got 'abc'",
            "server.port          | 65536     | must be between 0 and 65535, got 65536",
            "server.port          | -1        | must be between 0 and 65535, got -1",
            "server.ioThreads     | 257       | must be between 1 and 256, got 257",
            "links.codeLength     | 33        | must be between 4 and 32, got 33",
            "server.maxBodyBytes  | 1023      | must be between 1024 and 67108864, got 1023",
            "server.maxBodyBytes  | 67108865  | must be between 1024 and 67108864, got 67108865",
            "clicks.queueCapacity | 0         | must be between 1 and 16777216, got 0",
            "server.accessLog     | yes       | expected true or false, got 'yes'",
            "server.idleTimeout   | 0s        | must be longer than 0, got PT0S",
            "server.host          | ' '       | must not be empty",
            "server.publicUrl     | ftp://x.y | must be an absolute http:// or https:// URL without query, fragment or trailing slash, got 'ftp://x.y'",
            "server.publicUrl     | https://sho.rt// | must be an absolute http:// or https:// URL without query, fragment or trailing slash, got 'https://sho.rt//'",
            "server.publicUrl     | sho.rt    | must be an absolute http:// or https:// URL without query, fragment or trailing slash, got 'sho.rt'",
            "store.url            | mysql     | expected 'sqlite' or 'postgres://user@host:port/database', got 'mysql'",
            "store.url            | postgres://db.internal | 'postgres://db.internal' names no database (postgres://user@host:port/database)",
            "store.url            | postgres://u:pw@/shortr | 'postgres://u:***@/shortr' names no host (postgres://user@host:port/database)",
            "store.poolSize       | 0         | must be between 1 and 1000, got 0",
            "store.poolWait       | 100ms     | must be between 250ms and 5m, got 100ms",
            "links.blockedDomains | https://evil.example/ | 'https://evil.example/' is not a domain name (write it as evil.example, without scheme or path)",
    })
    void valuesOutOfShapeOrRangeAreRejected(String key, String value, String problem) {
        assertThat(problems(null, Map.of(), Map.of(key, value))).containsExactly(key + ": " + problem + " (command line)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0, 0", "65535, 65535"})
    void portZeroMeansEphemeralAndTheTopPortIsValid(String value, int expected) {
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("server.port", value)).server().port()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"https://sho.rt/, https://sho.rt", "http://localhost:8080, http://localhost:8080", "https://a.example/s/, https://a.example/s"})
    void publicUrlLosesOneTrailingSlash(String given, String expected) {
        assertThat(ConfigLoader.load(null, Map.of("SHORTR_PUBLIC_URL", given), Map.of()).server().publicUrl()).isEqualTo(expected);
    }

    @Test
    void unknownKeysAndSectionsGetSuggestions() throws IOException {
        Path f = yaml("""
                server:
                  io_threads: 2
                ratelimit:
                  perKey: 5
                redirekt: {}
                """);
        assertThat(problems(f, Map.of(), Map.of())).containsExactly(
                "server.io_threads: unknown key; did you mean server.ioThreads? (" + f + " line 2)",
                "ratelimit: unknown section; did you mean rateLimit? (" + f + " line 3)",
                "redirekt: unknown section; did you mean redirect? (" + f + " line 5)");
    }

    @Test
    void aKeyGivenTwiceIsAProblem() throws IOException {
        Path f = yaml("server:\n  port: 1\n  port: 2\n");
        assertThat(problems(f, Map.of(), Map.of())).containsExactly("server.port: given twice, on lines 2 and 3");
    }

    @Test
    void wrongShapesInTheFileAreNamed() throws IOException {
        Path f = yaml("server: 8080\nlinks:\n  codeLength: {a: 1}\n  blockedDomains: [a.example, [b]]\n");
        assertThat(problems(f, Map.of(), Map.of())).containsExactly(
                "server: expected a mapping of settings, got '8080' (" + f + " line 1)",
                "links.codeLength: expected an integer, got a mapping (" + f + " line 3)",
                "links.blockedDomains: expected a list of strings, got a list of mappings or lists (" + f + " line 4)");
    }

    @Test
    void malformedYamlIsOneLineWithItsPosition() throws IOException {
        Path f = yaml("server:\n  port: 8080\n  host: [a\n");
        List<String> problems = problems(f, Map.of(), Map.of());
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p).startsWith("config file " + f + ": malformed YAML at line 4, column 1: ")
                    .contains("expected ',' or ']'").doesNotContain("\n").doesNotContain("Exception");
        });
    }

    @Test
    void aMissingFileIsAProblemAlongsideTheOthers() {
        Path f = dir.resolve("absent.yaml");
        assertThat(problems(f, Map.of("SHORTR_PORT", "x"), Map.of())).containsExactly(
                "config file " + f + " does not exist",
                "server.port: expected an integer, got 'x' (SHORTR_PORT)");
    }

    @Test
    void anEmptyFileAndEmptySectionsMeanDefaults() throws IOException {
        assertThat(ConfigLoader.load(yaml(""), Map.of(), Map.of())).isEqualTo(ShortrConfig.defaults());
        assertThat(ConfigLoader.load(yaml("server:\nstore:\n  dataDir:\n"), Map.of(), Map.of())).isEqualTo(ShortrConfig.defaults());
    }

    @Test
    void variablesOfOtherProgramsAndOfTheCliClientAreIgnored() {
        Map<String, String> env = new HashMap<>(Map.of("SHORTR_SERVER", "http://x", "SHORTR_KEY", "sk_x", "PATH", "/bin",
                "SHORTRX", "1"));
        env.put("SHORTR_PORT", ""); // empty means unset
        assertThat(ConfigLoader.load(null, env, Map.of())).isEqualTo(ShortrConfig.defaults());
    }

    @Test
    void aDataDirThatIsAFileIsAProblem() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "");
        assertThat(problems(null, Map.of("SHORTR_DATA_DIR", file.toString()), Map.of()))
                .containsExactly("store.dataDir: " + file + " exists and is not a directory (SHORTR_DATA_DIR)");
    }

    @Test
    void recordsRefuseInvalidValuesToo() {
        assertThatThrownBy(() -> new ServerConfig("h", 70_000, 1, null, 1 << 20, false, Duration.ofSeconds(1), Duration.ZERO, 0, true,
                Duration.ofSeconds(10), 10_000, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("server.port: must be between 0 and 65535, got 70000");
        assertThatThrownBy(() -> new LinksConfig(7, Set.of("http://x/")))
                .hasMessageStartingWith("links.blockedDomains: 'http://x/' is not a domain name");
        assertThat(new LinksConfig(7, Set.of(" Bücher.Example ")).blockedDomains()).containsExactly("xn--bcher-kva.example");
    }

    @Test
    void redisIsOffByDefaultAndConfiguredLikeEverythingElse() throws IOException {
        assertThat(ShortrConfig.defaults().redis().enabled()).as("no Redis: one node, exactly as before").isFalse();
        assertThat(ShortrConfig.defaults().redis().timeout()).as("the hot path never waits long").isEqualTo(Duration.ofMillis(200));
        Path password = Files.writeString(dir.resolve("redis-password"), "s3cret\n");
        Path f = yaml("""
                redis: { url: "redis://cache.internal:6380/2", timeout: 150ms, fallbackCacheTtl: 2s, catchUpInterval: 30s }
                """);
        ShortrConfig c = ConfigLoader.load(f, Map.of("SHORTR_REDIS_PASSWORD_FILE", password.toString(),
                "SHORTR_REDIS_CONNECT_TIMEOUT", "500ms"), Map.of());
        assertThat(c.redis()).isEqualTo(new RedisConfig("redis://cache.internal:6380/2", password, Duration.ofMillis(150),
                Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(30)));
        assertThat(c.redis().enabled()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("SHORTR_REDIS_URL", "rediss://user@cache"), Map.of()).redis().url())
                .isEqualTo("rediss://user@cache");
    }

    @Test
    void badRedisSettingsAreAllListedAndAPasswordInTheUrlIsNeverEchoed() {
        assertThat(problems(null, Map.of("SHORTR_REDIS_URL", "http://cache:6379", "SHORTR_REDIS_TIMEOUT", "30s",
                "SHORTR_REDIS_FALLBACK_CACHE_TTL", "10ms"), Map.of())).containsExactly(
                "redis.url: must be redis://host[:port][/db] or rediss://host[:port][/db] (empty for no Redis), got "
                        + "'http://cache:6379' (SHORTR_REDIS_URL)",
                "redis.timeout: must be between 1ms and 10s, got 30s (SHORTR_REDIS_TIMEOUT)",
                "redis.fallbackCacheTtl: must be between 100ms and 10m, got 10ms (SHORTR_REDIS_FALLBACK_CACHE_TTL)");
        List<String> leaked = problems(null, Map.of("SHORTR_REDIS_URL", "redis://:hunter2@cache:6379"), Map.of());
        assertThat(leaked).hasSize(1).allSatisfy(p -> assertThat(p).contains("redis.passwordFile").doesNotContain("hunter2"));
        Path missing = dir.resolve("no-such-password");
        assertThat(problems(null, Map.of("SHORTR_REDIS_URL", "redis://cache", "SHORTR_REDIS_PASSWORD_FILE", missing.toString()),
                Map.of())).containsExactly("redis.passwordFile: " + missing + " is not a readable file (SHORTR_REDIS_PASSWORD_FILE)");
    }

    private Path yaml(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "shortr", ".yaml"), text);
    }

    private static List<String> problems(Path f, Map<String, String> env, Map<String, String> flags) {
        return catchConfig(f, env, flags).problems();
    }

    private static ConfigException catchConfig(Path f, Map<String, String> env, Map<String, String> flags) {
        try {
            ShortrConfig c = ConfigLoader.load(f, env, flags);
            throw new AssertionError("expected a ConfigException, got " + c);
        } catch (ConfigException e) {
            return e;
        }
    }
}
