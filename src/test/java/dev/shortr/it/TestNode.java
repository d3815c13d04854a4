package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.app.Node;
import dev.shortr.config.AuthConfig;
import dev.shortr.config.ClicksConfig;
import dev.shortr.config.LinksConfig;
import dev.shortr.config.RateLimitConfig;
import dev.shortr.config.RedirectConfig;
import dev.shortr.config.ServerConfig;
import dev.shortr.config.ShortrConfig;
import dev.shortr.config.StoreConfig;
import dev.shortr.config.WebhooksConfig;
import dev.shortr.webhook.Webhooks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real node on an ephemeral port, over a temporary data directory, with a client that never follows
 * redirects. One per test class: start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
final class TestNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ADMIN_KEY = Pattern.compile("admin key \\(shown once, store it now\\): (sk_\\S+)");

    private final Node node;
    private final String adminKey;
    private final Path dataDir;
    private HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Where this class's own requests go: cleartext, or HTTPS after {@link #overHttps}. */
    private String base;

    private TestNode(Node node, String adminKey, Path dataDir) {
        this.node = node;
        this.adminKey = adminKey;
        this.dataDir = dataDir;
        this.base = node.baseUrl();
    }

    /**
     * Sends this class's requests ({@link #get}, {@link #api}, {@link #metric}, ...) to the HTTPS listener at
     * 127.0.0.1, trusting what {@code trust} trusts (the certificate must name 127.0.0.1); returns this node.
     */
    TestNode overHttps(javax.net.ssl.SSLContext trust) {
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).sslContext(trust).build();
        base = "https://127.0.0.1:" + node.tlsPort();
        return this;
    }

    /**
     * The config every test node starts from: loopback, port 0, one event loop, clicks flushed every 50 ms,
     * webhooks retried 50 ms after a first failure (4 attempts at most) with click windows of 200 ms, sent to private
     * addresses too (every test receiver is on loopback).
     */
    static ShortrConfig config(Path dataDir) {
        ShortrConfig d = ShortrConfig.defaults();
        return new ShortrConfig(
                new ServerConfig("127.0.0.1", 0, 1, null, 1 << 20, false, Duration.ofSeconds(60), Duration.ofSeconds(5), 0, true,
                        Duration.ofSeconds(10), 10_000, true),
                new StoreConfig("sqlite", dataDir, 2, 512),
                LinksConfig.defaults(),
                RedirectConfig.defaults(),
                new ClicksConfig(true, 65_536, Duration.ofMillis(50), 50_000, new dev.shortr.config.AnalyticsConfig(true,
                        "anonymised", false, false, 90, false, "auto", Duration.ofMillis(50))),
                AuthConfig.defaults(),
                d.rateLimit(),
                // short enough that retries and click windows pass within a test
                new WebhooksConfig(true, Duration.ofMillis(200), 4, Duration.ofMillis(50), Duration.ofSeconds(2), 4,
                        Duration.ofDays(1), true),
                d.tls());
    }

    static TestNode start(Path dataDir) {
        return start(dataDir, c -> c);
    }

    static TestNode start(Path dataDir, UnaryOperator<ShortrConfig> tweak) {
        return start(tweak.apply(config(dataDir)), null);
    }

    /**
     * Starts a node from {@code config}. {@code knownAdminKey} is for a restart on an existing data directory,
     * where no key is printed again; null expects a first start that prints one.
     */
    static TestNode start(ShortrConfig config, String knownAdminKey) {
        return start(config, knownAdminKey, console -> Node.start(config, console));
    }

    /**
     * As {@link #start(ShortrConfig, String)}, on stores the test opened and closes after the node: several nodes
     * sharing one store, as nodes share PostgreSQL.
     */
    static TestNode startOn(dev.shortr.app.Stores shared, ShortrConfig config, String knownAdminKey) {
        return start(config, knownAdminKey, console -> Node.startOn(shared, config, console));
    }

    private static TestNode start(ShortrConfig config, String knownAdminKey, java.util.function.Function<PrintStream, Node> starter) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Node node = starter.apply(new PrintStream(console, true, StandardCharsets.UTF_8));
        String printed = console.toString(StandardCharsets.UTF_8);
        Matcher m = ADMIN_KEY.matcher(printed);
        String key;
        if (knownAdminKey == null) {
            if (!m.find()) {
                node.close();
                throw new AssertionError("a first start must print the admin key; console said: " + printed);
            }
            key = m.group(1);
        } else {
            assertThat(printed).as("a restart must not print another admin key").doesNotContain("sk_");
            key = knownAdminKey;
        }
        return new TestNode(node, key, config.store().dataDir());
    }

    String baseUrl() {
        return node.baseUrl();
    }

    int port() {
        return node.port();
    }

    /** The HTTPS listener's port, or -1 when TLS is off. */
    int tlsPort() {
        return node.tlsPort();
    }

    /**
     * A config tweak that turns TLS on at an ephemeral port with {@code certificates} ({@code chain:key} entries),
     * then applies {@code more} to the TLS settings.
     */
    static UnaryOperator<ShortrConfig> tls(java.util.List<String> certificates, UnaryOperator<dev.shortr.config.TlsConfig> more) {
        return c -> {
            dev.shortr.config.TlsConfig d = dev.shortr.config.TlsConfig.defaults();
            dev.shortr.config.TlsConfig t = more.apply(new dev.shortr.config.TlsConfig(true, 0, certificates, d.provider(),
                    d.minVersion(), d.hstsMaxAge(), d.hstsIncludeSubdomains(), d.hstsPreload(), d.redirectHttp(),
                    d.sessionTicketRotation(), d.sessionCacheSize(), d.sessionTimeout(), d.ocspStapling(),
                    java.time.Duration.ofMillis(200)));
            return new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(),
                    c.webhooks(), t);
        };
    }

    /** The node's webhooks, to report click batches as the click aggregator would. */
    Webhooks webhooks() {
        return node.webhooks();
    }

    String adminKey() {
        return adminKey;
    }

    Path dataDir() {
        return dataDir;
    }

    HttpClient http() {
        return http;
    }

    URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET without credentials, with optional header name/value pairs. */
    HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = request(pathAndQuery).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    HttpResponse<String> head(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = request(pathAndQuery).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    /** An API call as {@code key} (null for none); {@code json} null means no body. */
    HttpResponse<String> api(String method, String pathAndQuery, String key, String json) {
        HttpRequest.Builder b = request(pathAndQuery).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return send(b.build());
    }

    /** An API call as the admin. */
    HttpResponse<String> admin(String method, String pathAndQuery, String json) {
        return api(method, pathAndQuery, adminKey, json);
    }

    /** Creates a link as {@code key}; fails the test unless the answer is 201. */
    JsonNode createLinkAs(String key, String json) {
        HttpResponse<String> r = api("POST", "/api/v1/links", key, json);
        assertThat(r.statusCode()).as("create %s -> %s", json, r.body()).isEqualTo(201);
        return parse(r.body());
    }

    /** Creates a link as the admin; fails the test unless the answer is 201. */
    JsonNode createLink(String json) {
        return createLinkAs(adminKey, json);
    }

    /** Creates a link with alias {@code code} to {@code url} as the admin. */
    JsonNode createLink(String code, String url, String moreFields) {
        String extra = moreFields == null || moreFields.isEmpty() ? "" : ", " + moreFields;
        return createLink("{\"code\":\"" + code + "\", \"url\":\"" + url + "\"" + extra + "}");
    }

    /** Mints a key with the given scopes as the admin and returns its secret. */
    String mintKey(String name, String... scopes) {
        StringBuilder s = new StringBuilder();
        for (String sc : scopes) {
            s.append(s.isEmpty() ? "" : ",").append('"').append(sc).append('"');
        }
        HttpResponse<String> r = admin("POST", "/api/v1/keys", "{\"name\":\"" + name + "\",\"scopes\":[" + s + "]}");
        assertThat(r.statusCode()).as("mint key -> %s", r.body()).isEqualTo(201);
        return parse(r.body()).get("key").asText();
    }

    /** Every link the admin can see (up to 1000). */
    int linkCount() {
        HttpResponse<String> r = admin("GET", "/api/v1/links?limit=1000", null);
        assertThat(r.statusCode()).as("list -> %s", r.body()).isEqualTo(200);
        return parse(r.body()).get("items").size();
    }

    /** The value of a Prometheus sample such as {@code shortr_clicks_accepted_total}, or NaN when absent. */
    double metric(String sample) {
        String text = get("/metrics").body();
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ") || line.startsWith(sample + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /**
     * Asserts an RFC 9457 answer: the status, the {@code application/problem+json} media type, and a body whose
     * {@code status} matches and whose {@code type} ends with {@code slug}. Returns the parsed body.
     */
    static JsonNode assertProblem(HttpResponse<String> r, int status, String slug) {
        assertThat(r.statusCode()).as("status of %s %s -> %s", r.request().method(), r.request().uri(), r.body())
                .isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).as("content-type of a %d", status)
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode p = parse(r.body());
        assertThat(p.path("status").asInt()).as("problem status in %s", r.body()).isEqualTo(status);
        if (slug != null) {
            assertThat(p.path("type").asText()).as("problem type in %s", r.body()).endsWith("/" + slug);
        }
        return p;
    }

    /** Graceful stop; idempotent. */
    @Override
    public void close() {
        node.close();
    }
}
