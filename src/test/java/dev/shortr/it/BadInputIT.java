package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.ServerConfig;
import dev.shortr.config.ShortrConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken requests. Each is refused with a 4xx that says why, never a 500 or a hang, and none of
 * them creates a link (checked after every test).
 */
class BadInputIT {
    private static final int MAX_BODY = 64 * 1024;

    @TempDir
    static Path data;
    static TestNode node;
    private int linksBefore;

    @BeforeAll
    static void start() {
        node = TestNode.start(data, c -> {
            ServerConfig s = c.server();
            return new ShortrConfig(new ServerConfig(s.host(), s.port(), s.ioThreads(), s.publicUrl(), MAX_BODY,
                    s.accessLog(), s.idleTimeout(), s.shutdownGrace(), s.backgroundNice(), s.ui(), s.headerTimeout(), s.maxConnections(), s.serverTiming()), c.store(), c.links(), c.redirect(), c.clicks(),
                    c.auth(), c.rateLimit(), c.webhooks(), c.tls());
        });
        node.createLink("abc123", "https://example.com/existing", null);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void countLinks() {
        linksBefore = node.linkCount();
    }

    @AfterEach
    void nothingWasCreated() {
        assertThat(node.linkCount()).as("links after refused input").isEqualTo(linksBefore);
        assertThat(node.get("/healthz").statusCode()).as("the node still answers").isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{",
            "{\"url\": }",
            "{\"url\": \"https://example.com/a\",}",
            "{'url': 'https://example.com/a'}",
            "{\"url\": \"https://example.com/a\"} {\"url\": \"https://example.com/b\"}",
            "{\"url\": \"https://example.com/a\", \"url\": \"https://example.com/b\"}",
            "nul",
            "   ",
    })
    void malformedJsonIs400(String body) {
        assertProblem(node.admin("POST", "/api/v1/links", body), 400, "malformed-body");
    }

    @Test
    void deeplyNestedJsonIs400() {
        String body = "{\"url\": \"https://example.com/\", \"title\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertProblem(node.admin("POST", "/api/v1/links", body), 400, "malformed-body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"url\": \"https://example.com/a\"}]", "\"https://example.com/a\"", "42", "null", "true"})
    void jsonThatIsNotAnObjectIs400(String body) {
        assertProblem(node.admin("POST", "/api/v1/links", body), 400, "malformed-body");
        assertProblem(node.admin("PATCH", "/api/v1/links/abc123", body), 400, "malformed-body");
    }

    @Test
    void unknownFieldIs400NamingIt() {
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", "{\"url\": \"https://example.com/a\", \"colour\": \"red\"}"),
                400, "unknown-field");
        assertThat(p.get("detail").asText()).contains("colour");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("colour");

        JsonNode patch = assertProblem(node.admin("PATCH", "/api/v1/links/abc123", "{\"target\": \"https://example.com/b\"}"),
                400, "unknown-field");
        assertThat(patch.at("/errors/0/field").asText()).isEqualTo("target");
        assertThat(node.get("/abc123").headers().firstValue("location")).hasValue("https://example.com/existing");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"url\": \"https://example.com/1\", \"code\": 12}",
            "{\"url\": \"https://example.com/2\", \"redirect\": \"301\"}",
            "{\"url\": \"https://example.com/3\", \"redirect\": 303}",
            "{\"url\": \"https://example.com/4\", \"maxClicks\": 0}",
            "{\"url\": \"https://example.com/5\", \"maxClicks\": 1.5}",
            "{\"url\": \"https://example.com/6\", \"cacheSeconds\": -1}",
            "{\"url\": \"https://example.com/7\", \"cacheSeconds\": 99999999999}",
            "{\"url\": \"https://example.com/8\", \"expiresAt\": \"tomorrow\"}",
            "{\"url\": \"https://example.com/9\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}",
            "{\"url\": \"https://example.com/10\", \"tags\": \"one\"}",
            "{\"url\": \"https://example.com/11\", \"tags\": [\"a,b\"]}",
            "{\"url\": \"https://example.com/12\", \"title\": \"line\\nbreak\"}",
            "{\"url\": \"https://example.com/13\", \"forwardQuery\": \"yes\"}",
            "{\"url\": [\"https://example.com/14\"]}",
            "{\"url\": \"https://example.com/15\", \"cdnSeconds\": -1}",
            "{\"url\": \"https://example.com/16\", \"cdnSeconds\": \"600\"}",
    })
    void wronglyTypedOrOutOfRangeFieldIs400(String body) {
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", body), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).as("field named in %s", p).isNotEmpty();
    }

    @Test
    void aCdnLifetimeOutOfRangeIsNamedInThePatchProblem() {
        JsonNode p = assertProblem(node.admin("PATCH", "/api/v1/links/abc123", "{\"cdnSeconds\": 315360001}"), 400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("cdnSeconds");
        assertThat(node.admin("GET", "/api/v1/links/abc123", null).body()).contains("\"cdnSeconds\":null");
    }

    static List<String> invalidUtf8() {
        return List.of(
                "ff",              // never valid
                "c3",              // truncated two-byte sequence
                "c0af",            // overlong '/'
                "eda080",          // UTF-16 surrogate encoded as UTF-8
                "f4908080");       // beyond U+10FFFF
    }

    @ParameterizedTest(name = "bytes {0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8Is400(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        for (String field : new String[] {"url", "title"}) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(("{\"url\": \"https://example.com/utf8" + (field.equals("url") ? "" : "\", \"title\": \"t")).getBytes(StandardCharsets.UTF_8));
            b.writeBytes(bad);
            b.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = node.send(node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(b.toByteArray())).build());
            assertProblem(r, 400, null);
        }
        // and the listing still renders (a stored broken string would break every later read)
        assertThat(node.admin("GET", "/api/v1/links?limit=1000", null).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", ""})
    void wrongContentTypeIs415(String contentType) {
        HttpRequest.Builder b = node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"https://example.com/ct\"}"));
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        assertProblem(node.send(b.build()), 415, "unsupported-media-type");
    }

    @Test
    void jsonWithCharsetAndProblemPlusJsonAreAccepted() {
        // the positive control for the 415 table; the link it makes is removed again
        HttpResponse<String> r = node.send(node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\": \"ctok01\", \"url\": \"https://example.com/ct\"}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(node.admin("DELETE", "/api/v1/links/ctok01", null).statusCode()).isEqualTo(204);
    }

    @Test
    void bodyOverTheLimitIs413WithoutReadingItAll() {
        byte[] big = bigJson(100 * 1024);
        HttpResponse<String> r = node.send(node.request("/api/v1/links").header("Authorization", "Bearer " + node.adminKey())
                .header("Content-Type", "application/json").expectContinue(true).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());
        assertProblem(r, 413, "body-too-large");
    }

    @Test
    void declaredBodyOverTheLimitIs413AndTheConnectionEnds() {
        try (RawHttp c = new RawHttp(node.port())) {
            c.write(("POST /api/v1/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + node.adminKey()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (100 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("content-type")).startsWith("application/problem+json");
            c.timeout(3_000);
            assertThat(c.closedByServer()).as("the server stops reading a body it refused").isTrue();
        }
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws IOException {
        byte[] big = bigJson(100 * 1024);
        try (RawHttp c = new RawHttp(node.port())) {
            c.write(("POST /api/v1/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + node.adminKey()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // send just past the limit, then wait for the verdict rather than racing the server's close
            int sent = 0;
            while (sent <= MAX_BODY) {
                int n = Math.min(8192, big.length - sent);
                c.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] chunk = new byte[n];
                System.arraycopy(big, sent, chunk, 0, n);
                c.write(chunk);
                c.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                sent += n;
            }
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(413);
        }
    }

    @Test
    void bodyJustUnderTheLimitIsRead() {
        // the positive control: a large but allowed body gets a real answer (here: the title is too long)
        String title = "t".repeat(MAX_BODY - 200);
        JsonNode p = assertProblem(node.admin("POST", "/api/v1/links", "{\"url\": \"https://example.com/\", \"title\": \"" + title + "\"}"),
                400, "invalid-field");
        assertThat(p.at("/errors/0/field").asText()).isEqualTo("title");
    }

    static List<String> hostilePaths() {
        return List.of(
                "/%00", "/abc%00def", "/abc123%00", "/../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..%2f..%2fetc",
                "/abc\u0001def", "/%0d%0aSet-Cookie:%20x=1", "/abc123%0d%0aSet-Cookie:%20x=1", "/%ff", "/abc123+%00",
                "/abc123/..", "/abc123/%2e%2e", "/./abc123", "/%2e", "/api/v1/links/%00", "/api/v1/links/..%2f..%2fetc",
                "/api/v1/links/%2e%2e/stats", "/api/v1/links/%00/stats", "/api/v1/links/../keys");
    }

    static List<String> hostileQueries() {
        return List.of("/api/v1/links?q=%", "/api/v1/links?q=%ff%fe", "/api/v1/links?q=%00", "/api/v1/links?limit=99999999999",
                "/api/v1/links?from=%00", "/api/v1/links?cursor=%00%00", "/api/v1/links?tag=%0d%0a",
                "/api/v1/links/abc123/stats?from=2026-02-30", "/api/v1/links/abc123/stats?from=2030-01-01&to=2020-01-01",
                "/abc123?%", "/abc123?a=%zz", "/abc123+?%00");
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("hostileQueries")
    void hostileQueriesAreAnsweredWithoutAServerError(String pathAndQuery) {
        RawHttp.Response r = RawHttp.exchange(node.port(), "GET " + pathAndQuery + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + node.adminKey() + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).as("GET %s -> %s", pathAndQuery, r.body()).isLessThan(500);
        if (r.status() >= 400) {
            assertThat(r.header("content-type")).as("GET %s", pathAndQuery).startsWith("application/problem+json");
        }
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("hostilePaths")
    void hostilePathsAreRefusedWithoutAServerError(String path) {
        RawHttp.Response r = RawHttp.exchange(node.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + node.adminKey() + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).as("GET %s -> %s", path, r.body()).isIn(400, 404);
        assertThat(r.headers()).as("no header injected").doesNotContainKey("set-cookie");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hostileWrites")
    void hostilePathsInWritesAreRefusedWithoutAServerError(String method, String path) {
        String body = "{\"title\": \"x\"}";
        RawHttp.Response r = RawHttp.exchange(node.port(), method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + node.adminKey() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(r.status()).as("%s %s -> %s", method, path, r.body()).isIn(400, 404, 405);
        assertThat(node.get("/abc123").headers().firstValue("location")).hasValue("https://example.com/existing");
    }

    static List<String[]> hostileWrites() {
        return List.of(
                new String[] {"PATCH", "/api/v1/links/%00"}, new String[] {"PATCH", "/api/v1/links/..%2fabc123"},
                new String[] {"DELETE", "/api/v1/links/%2e%2e"}, new String[] {"DELETE", "/api/v1/links/abc123%00"},
                new String[] {"DELETE", "/api/v1/keys/..%2f"}, new String[] {"DELETE", "/api/v1/keys/%00"},
                new String[] {"POST", "/api/v1/links/%00"},
                new String[] {"PATCH", "/api/v1/links/abc123/.."});
    }

    @Test
    void veryLongPathsAre4xx() {
        assertThat(node.get("/" + "a".repeat(10_000)).statusCode()).isEqualTo(404);
        assertThat(node.get("/" + "a".repeat(10_000), "Accept", "application/json").statusCode()).isEqualTo(404);
        assertThat(node.admin("GET", "/api/v1/links/" + "a".repeat(10_000), null).statusCode()).isEqualTo(404);
        RawHttp.Response huge = RawHttp.exchange(node.port(), "GET /" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(huge.status()).as("a request line past the decoder's limit").isIn(400, 414, 431);
    }

    @Test
    void headerBlockOver16KiBIs431Or400() {
        String filler = "X-Filler: " + "f".repeat(17 * 1024) + "\r\n";
        RawHttp.Response redirect = RawHttp.exchange(node.port(), "GET /abc123 HTTP/1.1\r\nHost: x\r\n" + filler + "\r\n");
        assertThat(redirect.status()).isIn(400, 431);

        String many = "X-A: 1234567890123456789012345678901234567890\r\n".repeat(500);
        String body = "{\"url\": \"https://example.com/huge-headers\"}";
        RawHttp.Response create = RawHttp.exchange(node.port(), "POST /api/v1/links HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + node.adminKey() + "\r\nContent-Type: application/json\r\n" + many + "Content-Length: " + body.length() + "\r\n\r\n" + body);
        assertThat(create.status()).isIn(400, 431);
    }

    @Test
    void garbageRequestLinesAre400() {
        for (String line : new String[] {"HELLO\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "G\u0000T / HTTP/1.1\r\nHost: x\r\n\r\n"}) {
            RawHttp.Response r = RawHttp.exchange(node.port(), line);
            assertThat(r.status()).as("'%s'", line.strip()).isIn(400, 404, 405, 501, 505);
        }
    }

    private static byte[] bigJson(int size) {
        String prefix = "{\"url\": \"https://example.com/big\", \"title\": \"";
        return (prefix + "b".repeat(size - prefix.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
