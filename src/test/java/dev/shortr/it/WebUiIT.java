package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web UI's server side, over HTTP: the page and its headers, static files, the browser session and the
 * CSRF defence of the API calls made with it. (What a browser does with them: {@code WebUiBrowserIT}.)
 */
class WebUiIT {
    private static TestNode node;

    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    private static final Pattern ASSET = Pattern.compile("(/ui/assets/app\\.[0-9a-f]{10}\\.js)");

    @Test
    void thePageIsServedAtUiAndTheRootWithAStrictPolicy() {
        for (String path : new String[] {"/ui", "/ui/", "/"}) {
            HttpResponse<String> r = node.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String csp = r.headers().firstValue("content-security-policy").orElseThrow();
            assertThat(csp).as(path).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.headers().firstValue("x-frame-options")).as(path).hasValue("DENY");
            assertThat(r.body()).as(path).doesNotContain("<script>").doesNotContainPattern("<script(?![^>]*\\ssrc=)")
                    .doesNotContainPattern("\\son[a-z]+=").doesNotContain("style=");
        }
    }

    @Test
    void staticFilesHaveContentHashedNamesImmutableCachingGzipAnd304() throws IOException {
        Matcher m = ASSET.matcher(node.get("/ui").body());
        assertThat(m.find()).isTrue();
        String path = m.group(1);

        HttpResponse<byte[]> gz = bytes(HttpRequest.newBuilder(node.uri(path)).header("accept-encoding", "gzip, br").build());
        assertThat(gz.statusCode()).isEqualTo(200);
        assertThat(gz.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gz.headers().firstValue("vary")).hasValue("accept-encoding");
        String js;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
            js = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(js).contains("'use strict'");
        String etag = gz.headers().firstValue("etag").orElseThrow();

        HttpResponse<byte[]> again = bytes(HttpRequest.newBuilder(node.uri(path)).header("accept-encoding", "gzip")
                .header("if-none-match", etag).build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        HttpResponse<byte[]> plain = bytes(HttpRequest.newBuilder(node.uri(path)).build());
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        assertThat(new String(plain.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(js);
        assertThat(plain.headers().firstValue("etag")).isNotEqualTo(etag); // another representation, another tag

        assertThat(node.get("/ui/assets/app.0000000000.js").statusCode()).isEqualTo(404);
    }

    @Test
    void signingInSetsAnHttpOnlyStrictCookieAndTheApiAcceptsItWithTheCsrfToken() throws IOException {
        HttpResponse<String> bad = signIn("sk_nope_nope", "http://" + host());
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("set-cookie")).isEmpty();

        HttpResponse<String> ok = signIn(node.adminKey(), "http://" + host());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        String setCookie = ok.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie).startsWith("shortr_session=").contains("HttpOnly", "SameSite=Strict", "Path=/")
                .doesNotContain("Max-Age").doesNotContain("Expires") // a session cookie
                .doesNotContain(node.adminKey()).doesNotContain(node.adminKey().substring(3, 11)); // the key stays on the server
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = TestNode.JSON.readTree(ok.body()).get("csrfToken").asText();
        assertThat(csrf).isNotBlank();

        JsonNode who = TestNode.JSON.readTree(node.get("/ui/session", "cookie", cookie).body());
        assertThat(who.get("signedIn").asBoolean()).isTrue();
        assertThat(who.get("csrfToken").asText()).isEqualTo(csrf);
        assertThat(TestNode.JSON.readTree(node.get("/ui/session").body()).get("signedIn").asBoolean()).isFalse();

        // reads need no token
        assertThat(node.get("/api/v1/links", "cookie", cookie).statusCode()).isEqualTo(200);
        // writes do, from this origin
        String body = "{\"url\": \"https://example.com/ui\"}";
        assertThat(post("/api/v1/links", body, "cookie", cookie).statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/links", body, "cookie", cookie, "x-csrf-token", "wrong").statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/links", body, "cookie", cookie, "x-csrf-token", csrf, "origin", "http://evil.example")
                .statusCode()).isEqualTo(403);
        assertThat(post("/api/v1/links", body, "cookie", cookie, "x-csrf-token", csrf, "sec-fetch-site", "cross-site")
                .statusCode()).isEqualTo(403);
        HttpResponse<String> created = post("/api/v1/links", body, "cookie", cookie, "x-csrf-token", csrf,
                "origin", "http://" + host(), "sec-fetch-site", "same-origin");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // refused writes wrote nothing
        assertThat(TestNode.JSON.readTree(node.admin("GET", "/api/v1/links?q=example.com/ui", null).body()).get("items")).hasSize(1);

        // a cross-site form post (no token, a form's content type) is refused before anything is read
        HttpResponse<String> form = send(HttpRequest.newBuilder(node.uri("/api/v1/links"))
                .POST(HttpRequest.BodyPublishers.ofString("url=https%3A%2F%2Fevil.example"))
                .header("content-type", "application/x-www-form-urlencoded").header("cookie", cookie)
                .header("origin", "http://127.0.0.1:1").header("sec-fetch-site", "same-site").build());
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(form.body()).contains("/problems/csrf");

        // the API's answers to a signed-in browser stay out of its disk cache
        assertThat(node.get("/api/v1/links", "cookie", cookie).headers().firstValue("cache-control")).hasValue("private, no-store");
        // a cross-site GET does not count as signed in
        assertThat(node.get("/api/v1/links", "cookie", cookie, "sec-fetch-site", "cross-site").statusCode()).isEqualTo(401);

        HttpResponse<String> out = send(HttpRequest.newBuilder(node.uri("/ui/session")).DELETE().header("cookie", cookie).build());
        assertThat(out.statusCode()).as("sign-out needs the token too").isEqualTo(403);
        out = send(HttpRequest.newBuilder(node.uri("/ui/session")).DELETE().header("cookie", cookie)
                .header("x-csrf-token", csrf).build());
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(out.headers().firstValue("clear-site-data")).hasValue("\"cache\"");
        // the session ended on the server: a copy of the cookie is worth nothing now
        assertThat(node.get("/api/v1/links", "cookie", cookie).statusCode()).isEqualTo(401);
        assertThat(TestNode.JSON.readTree(node.get("/ui/session", "cookie", cookie).body()).get("signedIn").asBoolean()).isFalse();
    }

    @Test
    void signInRefusesOtherSitesAndForms() {
        assertThat(signIn(node.adminKey(), "http://evil.example").statusCode()).isEqualTo(403);
        HttpResponse<String> form = send(HttpRequest.newBuilder(node.uri("/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString("key=" + node.adminKey()))
                .header("content-type", "application/x-www-form-urlencoded").build());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().firstValue("set-cookie")).isEmpty();
        HttpResponse<String> malformed = send(HttpRequest.newBuilder(node.uri("/ui/session"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\": ")).header("content-type", "application/json").build());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("content-type")).hasValue("application/problem+json");
    }

    @Test
    void aRevokedKeyEndsItsSession() throws IOException {
        String key = node.mintKey("ui-revoke", "links:read");
        String setCookie = signIn(key, "http://" + host()).headers().firstValue("set-cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(node.get("/api/v1/links", "cookie", cookie).statusCode()).isEqualTo(200);
        String id = null;
        for (JsonNode k : TestNode.JSON.readTree(node.admin("GET", "/api/v1/keys", null).body()).get("items")) {
            if (k.get("name").asText().equals("ui-revoke")) {
                id = k.get("id").asText();
            }
        }
        assertThat(node.admin("DELETE", "/api/v1/keys/" + id, null).statusCode()).isEqualTo(204);
        assertThat(node.get("/api/v1/links", "cookie", cookie).statusCode()).isEqualTo(401);
        HttpResponse<String> who = node.get("/ui/session", "cookie", cookie);
        assertThat(TestNode.JSON.readTree(who.body()).get("signedIn").asBoolean()).isFalse();
        assertThat(who.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
    }

    @Test
    void thePageScriptAndStylesWeighLessThan150KilobytesGzippedWithoutTheChartLibrary() throws IOException {
        String page = node.get("/ui").body();
        Matcher m = Pattern.compile("(?:src|href)=\"(/ui/assets/(?!uplot)[^\"]+)\"").matcher(page);
        long total = 0;
        int files = 0;
        while (m.find()) {
            HttpResponse<byte[]> r = bytes(HttpRequest.newBuilder(node.uri(m.group(1))).header("accept-encoding", "gzip").build());
            assertThat(r.statusCode()).as(m.group(1)).isEqualTo(200);
            total += r.body().length;
            files++;
        }
        assertThat(files).as("app.js and app.css").isEqualTo(2);
        assertThat(total + page.length()).isLessThan(150 * 1024);
    }

    @Test
    void withTheUiOffThereIsNoPageAndTheCookieIsNotAccepted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        try (TestNode off = TestNode.start(dir, c -> {
            var s = c.server();
            return new dev.shortr.config.ShortrConfig(new dev.shortr.config.ServerConfig(s.host(), s.port(), s.ioThreads(), s.publicUrl(),
                    s.maxBodyBytes(), s.accessLog(), s.idleTimeout(), s.shutdownGrace(), s.backgroundNice(), false, s.headerTimeout(), s.maxConnections(), s.serverTiming()), c.store(), c.links(),
                    c.redirect(), c.clicks(), c.auth(), c.rateLimit(), c.webhooks(), c.tls());
        })) {
            assertThat(off.get("/ui").statusCode()).isEqualTo(404);
            assertThat(off.get("/ui/session").statusCode()).isEqualTo(404);
            assertThat(off.send(off.request("/ui/session").POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + off.adminKey() + "\"}"))
                    .header("content-type", "application/json").build()).statusCode()).isEqualTo(404);
            assertThat(off.get("/api/v1/links", "authorization", "Bearer " + off.adminKey()).statusCode()).isEqualTo(200);
        }
    }

    private static String host() {
        return "127.0.0.1:" + node.port();
    }

    private static HttpResponse<String> signIn(String key, String origin) {
        return send(HttpRequest.newBuilder(node.uri("/ui/session")).POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\"}"))
                .header("content-type", "application/json").header("origin", origin).build());
    }

    private static HttpResponse<String> post(String path, String json, String... headers) {
        return send(HttpRequest.newBuilder(node.uri(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("content-type", "application/json").headers(headers).build());
    }

    private static HttpResponse<String> send(HttpRequest r) {
        return node.send(r);
    }

    private static HttpResponse<byte[]> bytes(HttpRequest r) {
        try {
            return node.http().send(r, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
