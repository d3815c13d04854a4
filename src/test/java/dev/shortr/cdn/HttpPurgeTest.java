package dev.shortr.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.shortr.config.PurgeConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generic purge adapter configured as docs/edge.md configures it for Fastly and Cloudflare, sending to a local
 * HTTP server that records what it gets, as the CDN's API would.
 */
class HttpPurgeTest {
    /** One request as the API saw it. */
    record Seen(String method, String path, String token, String surrogateKey, String contentType, String body) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private HttpServer api;
    private volatile int status = 200;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String fastly = exchange.getRequestHeaders().getFirst("Fastly-Key");
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), auth != null ? auth : fastly,
                    exchange.getRequestHeaders().getFirst("Surrogate-Key"), exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = (status == 200 ? "{\"status\":\"ok\"}" : "{\"success\":false,\"errors\":[{\"code\":1134}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    private static PurgeConfig config(String url, List<String> headers, String body, int batch) {
        PurgeConfig d = PurgeConfig.defaults();
        return new PurgeConfig(List.of(), url, "POST", headers, body, Path.of("unused"), batch, d.maxAttempts(), d.backoffBase(),
                Duration.ofSeconds(2));
    }

    @Test
    void fastlyOneKeyPerRequest() {
        HttpPurge fastly = new HttpPurge(config(base() + "/service/SU1Z0isxPaozGVKXdv0eY/purge/{key}", List.of("Fastly-Key: {token}"),
                "", 30), "fastly-token", http);

        assertThat(fastly.purge(List.of("abc123", "Def-456"))).isEqualTo(Sent.DONE);

        assertThat(seen).extracting(Seen::method, Seen::path, Seen::token).containsExactly(
                org.assertj.core.groups.Tuple.tuple("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge/link-abc123", "fastly-token"),
                org.assertj.core.groups.Tuple.tuple("POST", "/service/SU1Z0isxPaozGVKXdv0eY/purge/link-Def-456", "fastly-token"));
    }

    @Test
    void fastlyManyKeysInOneSurrogateKeyHeader() {
        HttpPurge fastly = new HttpPurge(config(base() + "/service/SVC/purge", List.of("Fastly-Key: {token}", "Surrogate-Key: {keys}"),
                "", 256), "fastly-token", http);

        assertThat(fastly.purge(List.of("abc123", "def456", "ghi789"))).isEqualTo(Sent.DONE);

        assertThat(seen).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("/service/SVC/purge");
            assertThat(s.surrogateKey()).isEqualTo("link-abc123 link-def456 link-ghi789");
        });
    }

    @Test
    void cloudflareTagsAsAJsonBodyInBatches() {
        HttpPurge cloudflare = new HttpPurge(config(base() + "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache",
                List.of("Authorization: Bearer {token}"), "{\"tags\": {keysJson}}", 2), "cf-token", http);

        assertThat(cloudflare.purge(List.of("abc123", "def456", "ghi789"))).isEqualTo(Sent.DONE);

        assertThat(seen).hasSize(2);
        assertThat(seen.getFirst().body()).isEqualTo("{\"tags\": [\"link-abc123\",\"link-def456\"]}");
        assertThat(seen.get(1).body()).isEqualTo("{\"tags\": [\"link-ghi789\"]}");
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.token()).isEqualTo("Bearer cf-token");
            assertThat(s.contentType()).as("a JSON body says so").isEqualTo("application/json");
        });
    }

    @Test
    void anythingButA2xxIsAFailureThatSaysWhatCameBackButNotTheToken() {
        status = 403;
        HttpPurge cloudflare = new HttpPurge(config(base() + "/client/v4/zones/Z/purge_cache", List.of("Authorization: Bearer {token}"),
                "{\"tags\": {keysJson}}", 30), "cf-secret-token", http);

        Sent sent = cloudflare.purge(List.of("abc123"));

        assertThat(sent).isInstanceOf(Sent.Failed.class);
        String why = ((Sent.Failed) sent).why();
        assertThat(why).contains("HTTP 403").contains("1134").contains("link-abc123").doesNotContain("cf-secret-token");
    }

    @Test
    void anApiThatIsDownIsAFailure() {
        api.stop(0);
        Sent sent = new HttpPurge(config(base() + "/purge/{key}", List.of(), "", 30), null, http).purge(List.of("abc123"));
        assertThat(sent).isInstanceOf(Sent.Failed.class);
    }
}
