package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HTTP/2 over cleartext (h2c) as real clients speak it: curl by prior knowledge ({@code --http2-prior-knowledge})
 * and by upgrade ({@code --http2}), the JDK's {@link HttpClient} (which upgrades), and h2load. Every answer
 * must be the one HTTP/1.1 gets: one router and one redirect handler serve both.
 */
class Http2IT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    /** The status line and headers of the last response curl printed (after a 101, the HTTP/2 one). */
    record Head(String statusLine, Map<String, String> headers, List<String> statusLines) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** Runs curl with {@code mode} and returns the response head; the body goes to {@code body} when given. */
    static Head curl(String mode, String... args) {
        List<String> cmd = new ArrayList<>(List.of(mode, "-D", "-", "-o", "/dev/null"));
        cmd.addAll(List.of(args));
        Curl.Result r = Curl.run(cmd.toArray(String[]::new));
        assertThat(r.exit()).as("curl %s: %s", cmd, r.err()).isZero();
        List<String> statusLines = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : r.out().split("\r\n")) {
            if (line.startsWith("HTTP/")) {
                statusLines.add(line.strip());
                headers.clear();
            } else if (line.indexOf(':') > 0) {
                headers.put(line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT), line.substring(line.indexOf(':') + 1).strip());
            }
        }
        assertThat(statusLines).as("curl printed no response: %s", r.err()).isNotEmpty();
        return new Head(statusLines.getLast(), headers, statusLines);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --http2-prior-knowledge | h2p301 | 301 | public, max-age=3600
            --http2-prior-knowledge | h2p302 | 302 | private, max-age=0
            --http2-prior-knowledge | h2p307 | 307 | private, max-age=0
            --http2-prior-knowledge | h2p308 | 308 | public, max-age=3600
            --http2                 | h2u301 | 301 | public, max-age=3600
            --http2                 | h2u302 | 302 | private, max-age=0
            """)
    void redirectsAnswerOverH2cAsOverHttp1(String mode, String code, int status, String cacheControl) {
        String url = "https://example.com/landing/" + code + "?from=h2#top";
        node.createLink(code, url, "\"redirect\": " + status);
        for (String pass : new String[] {"from the store", "from memory"}) {
            Head h = curl(mode, node.baseUrl() + "/" + code);
            assertThat(h.statusLine()).as(pass).isEqualTo("HTTP/2 " + status);
            assertThat(h.header("location")).as(pass).isEqualTo(url);
            assertThat(h.header("cache-control")).as(pass).isEqualTo(cacheControl);
            assertThat(h.header("x-robots-tag")).as(pass).isEqualTo("noindex");
            assertThat(h.header("content-length")).as(pass).isEqualTo("0");
            if (mode.equals("--http2")) {
                assertThat(h.statusLines()).as(pass + ": the upgrade, then the answer on stream 1")
                        .containsExactly("HTTP/1.1 101 Switching Protocols", "HTTP/2 " + status);
            }
        }
        // the same answer as HTTP/1.1's
        HttpResponse<String> h1 = node.get("/" + code);
        assertThat(h1.statusCode()).isEqualTo(status);
        assertThat(h1.headers().firstValue("location")).hasValue(url);
        assertThat(h1.headers().firstValue("cache-control")).hasValue(cacheControl);
    }

    @Test
    void theApiCreatesAndReadsLinksOverH2c() throws IOException {
        String auth = "authorization: Bearer " + node.adminKey();
        Curl.Result created = Curl.run("--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}", "-H", auth,
                "-H", "content-type: application/json", "--data", "{\"code\":\"h2api1\",\"url\":\"https://example.com/api\"}",
                node.baseUrl() + "/api/v1/links");
        String[] parts = created.out().split("\n");
        assertThat(parts[parts.length - 1]).as("create over h2c: %s", created.out()).isEqualTo("2 201");
        assertThat(TestNode.parse(parts[0]).get("url").asText()).isEqualTo("https://example.com/api");

        for (String mode : new String[] {"--http2-prior-knowledge", "--http2"}) {
            Curl.Result read = Curl.run(mode, "-w", "\n%{http_version} %{http_code}", "-H", auth, node.baseUrl() + "/api/v1/links/h2api1");
            String[] lines = read.out().split("\n");
            assertThat(lines[lines.length - 1]).as("%s read: %s", mode, read.out()).isEqualTo("2 200");
            JsonNode link = TestNode.parse(lines[0]);
            assertThat(link.get("code").asText()).isEqualTo("h2api1");
            assertThat(link.get("shortUrl").asText()).as("the base URL comes from :authority").isEqualTo(node.baseUrl() + "/h2api1");
        }
        // a body past server.maxBodyBytes (1 MiB) is refused on its stream
        Path big = Files.createTempFile("h2-body", ".json");
        try {
            Files.writeString(big, "{\"url\":\"https://example.com/" + "a".repeat(1_100_000) + "\"}");
            Curl.Result tooBig = Curl.run("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                    "-H", auth, "-H", "content-type: application/json", "--data-binary", "@" + big, node.baseUrl() + "/api/v1/links");
            assertThat(tooBig.out()).as(tooBig.err()).isEqualTo("2 413");
        } finally {
            Files.deleteIfExists(big);
        }
    }

    @Test
    void unknownAndDeletedCodesAreProblemsOverH2c() {
        node.createLink("h2gone", "https://example.com/gone", null);
        assertThat(node.admin("DELETE", "/api/v1/links/h2gone", null).statusCode()).isEqualTo(204);
        for (String pass : new String[] {"from the store", "remembered"}) {
            for (String[] c : new String[][] {{"h2none", "404", "link-not-found"}, {"h2gone", "410", "link-deleted"}}) {
                Curl.Result r = Curl.run("--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code} %{content_type}",
                        "-H", "accept: application/json", node.baseUrl() + "/" + c[0]);
                String[] lines = r.out().split("\n");
                assertThat(lines[lines.length - 1]).as(pass + " " + c[0]).isEqualTo("2 " + c[1] + " application/problem+json");
                assertThat(TestNode.parse(lines[0]).get("type").asText()).as(pass).endsWith("/" + c[2]);
            }
            Head html = curl("--http2-prior-knowledge", "-H", "accept: text/html", node.baseUrl() + "/h2none");
            assertThat(html.statusLine()).as(pass).isEqualTo("HTTP/2 404");
            assertThat(html.header("content-type")).as(pass).startsWith("text/html");
            assertThat(html.header("x-robots-tag")).as(pass).isEqualTo("noindex");
        }
    }

    @Test
    void clicksOverH2cAreCountedAndHeadsAreNot() {
        node.createLink("h2clk1", "https://example.com/clicks", null);
        double acceptedBefore = node.metric("shortr_clicks_accepted_total");
        for (int i = 0; i < 5; i++) {
            assertThat(curl("--http2-prior-knowledge", node.baseUrl() + "/h2clk1").statusLine()).isEqualTo("HTTP/2 302");
            assertThat(curl("--http2-prior-knowledge", "--head", node.baseUrl() + "/h2clk1").statusLine()).isEqualTo("HTTP/2 302");
        }
        // h2load opens one connection with ten streams at once on it
        h2load("-n", "40", "-c", "1", "-m", "10", node.baseUrl() + "/h2clk1");
        assertThat(curl("--http2", node.baseUrl() + "/h2clk1").statusLine()).as("upgraded: served on stream 1").isEqualTo("HTTP/2 302");

        JsonNode stats = ClicksIT.awaitClicks(node, "h2clk1", 46);
        // the range totals come from the analytics counters, written on their own interval: wait for them too
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.get("totals").get("heads").asLong() < 5 && System.nanoTime() < until) {
            stats = ClicksIT.stats(node, "h2clk1");
        }
        assertThat(stats.get("clicks").asLong()).as("HEADs are not clicks: %s", stats).isEqualTo(46);
        assertThat(stats.get("totals").get("heads").asLong()).as("HEADs are counted apart: %s", stats).isEqualTo(5);
        assertThat(node.metric("shortr_clicks_accepted_total") - acceptedBefore).as("46 GETs and 5 HEADs queued").isEqualTo(51);

        // the visit log is a streamed reply (DATA frames written from the request's thread as it goes)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String csv;
        do {
            Curl.Result r = Curl.run("--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}",
                    "-H", "authorization: Bearer " + node.adminKey(), node.baseUrl() + "/api/v1/links/h2clk1/visits?format=csv");
            assertThat(r.out()).as(r.err()).endsWith("\n2 200");
            csv = r.out().substring(0, r.out().lastIndexOf('\n'));
        } while (csv.lines().count() < 1 + 51 && System.nanoTime() < deadline);
        assertThat(csv.lines().count()).as("a header, then one line per GET and HEAD:\n%s", csv).isEqualTo(1 + 51);
    }

    @Test
    void theJdkClientUpgradesToHttp2() throws Exception {
        node.createLink("h2jdk1", "https://example.com/jdk", "\"redirect\": 308");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        try (client) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/h2jdk1"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.version()).as("request %d", i).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(r.statusCode()).isEqualTo(308);
                assertThat(r.headers().firstValue("location")).hasValue("https://example.com/jdk");
            }
            HttpResponse<String> list = client.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/api/v1/links?limit=5"))
                    .header("Authorization", "Bearer " + node.adminKey()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(list.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
            assertThat(TestNode.parse(list.body()).get("items").size()).isPositive();
        }
    }

    @Test
    void h2loadWithTenStreamsPerConnectionGetsOnlyRedirects(@TempDir Path dir) throws IOException {
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String code = "h2ld" + String.format("%02d", i);
            node.createLink(code, "https://example.com/load/" + i, null);
            uris.add(node.baseUrl() + "/" + code);
        }
        Path file = Files.write(dir.resolve("uris"), uris);
        String out = h2load("-n", "20000", "-c", "8", "-m", "10", "-i", file.toString());
        assertThat(out).contains("20000 succeeded, 0 failed, 0 errored, 0 timeout");
        assertThat(out).contains("status codes: 0 2xx, 20000 3xx, 0 4xx, 0 5xx");
    }

    @Test
    void plainHttp1StillTakesTheFastPathAndOtherUpgradesAreIgnored() {
        node.createLink("h1fast", "https://example.com/h1", null);
        node.get("/h1fast"); // the first answer fills the cache
        double hits = node.metric("shortr_redirect_cache_hits_total");
        for (int i = 0; i < 10; i++) {
            assertThat(node.get("/h1fast").statusCode()).isEqualTo(302);
        }
        assertThat(node.metric("shortr_redirect_cache_hits_total") - hits).as("HTTP/1.1 hits").isGreaterThanOrEqualTo(10);

        RawHttp.Response ws = RawHttp.exchange(node.port(), "GET /h1fast HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n");
        assertThat(ws.status()).as("an upgrade to anything but h2c is an ordinary request").isEqualTo(302);
        RawHttp.Response post = RawHttp.exchange(node.port(), "POST /api/v1/links HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(post.status()).as("a request with a body stays HTTP/1.1 (no 101)").isEqualTo(401);
    }

    /** Runs h2load against the node and returns its output; fails unless it exits 0. */
    static String h2load(String... args) {
        List<String> cmd = new ArrayList<>(List.of("h2load"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("h2load did not finish: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("h2load %s:\n%s", cmd, text).isZero();
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run h2load (Debian's nghttp2-client; ./test installs it): " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
