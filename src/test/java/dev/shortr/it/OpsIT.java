package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What an operator and a load balancer see: health, readiness, metrics, the API document, routing errors. */
class OpsIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @Test
    void healthAndReadinessAnswer200WithoutAKey() {
        HttpResponse<String> health = node.get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(parse(health.body()).get("status").asText()).isEqualTo("ok");
        assertThat(health.headers().firstValue("cache-control")).hasValue("no-store");

        HttpResponse<String> ready = node.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(parse(ready.body()).get("status").asText()).isEqualTo("ready");
    }

    @Test
    void metricsExposeTheNodesOwnMeters() {
        node.createLink("met001", "https://example.com/metrics", null);
        node.get("/met001");
        node.get("/met001");
        node.get("/api/v1/links");

        HttpResponse<String> r = node.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        assertThat(r.body()).contains(
                "shortr_http_requests_seconds_count",
                "shortr_redirect_cache_hits_total",
                "shortr_redirect_cache_hit_ratio",
                "shortr_clicks_queue_depth",
                "shortr_clicks_accepted_total",
                "shortr_clicks_dropped_total",
                "shortr_store_seconds");
        assertThat(node.metric("shortr_redirect_cache_hits_total")).as("the second GET was answered from memory").isGreaterThanOrEqualTo(1);
        assertThat(r.body()).as("routed requests are timed by route pattern")
                .containsPattern("shortr_http_requests_seconds_count\\{[^}]*route=\"/api/v1/links\"[^}]*status=\"401\"");
    }

    @Test
    void theOpenApiDocumentIsServedAndParses() {
        HttpResponse<String> r = node.get("/api/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode doc = parse(r.body());
        assertThat(doc.get("openapi").asText()).startsWith("3.1.");
        assertThat(doc.get("paths").has("/api/v1/links")).isTrue();
    }

    @Test
    void unknownApiRouteIsA404Problem() {
        assertProblem(node.get("/api/v1/nothing", "Accept", "application/json"), 404, "not-found");
        assertProblem(node.get("/api/v2/links"), 404, "not-found");
        assertProblem(node.admin("GET", "/api/v1/links/abc123/nothing", null), 404, "not-found");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        HttpResponse<String> r = node.admin("PUT", "/api/v1/links", "{}");
        assertProblem(r, 405, "method-not-allowed");
        String allow = r.headers().firstValue("allow").orElseThrow(() -> new AssertionError("no Allow header"));
        assertThat(Arrays.stream(allow.split(",")).map(String::strip)).containsExactlyInAnyOrder("GET", "HEAD", "POST");

        HttpResponse<String> del = node.admin("DELETE", "/healthz", null);
        assertProblem(del, 405, "method-not-allowed");
        assertThat(del.headers().firstValue("allow")).isPresent();
    }

    @Test
    void curlSeesHealthOverAPlainHttp10Connection() {
        Curl.Result r = Curl.run("--http1.0", "--include", node.baseUrl() + "/healthz");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("^HTTP/1\\.[01] 200").contains("\"status\":\"ok\"");
    }
}
