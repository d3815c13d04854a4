package dev.shortr.api;

import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Router;
import dev.shortr.link.LinkStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** Health, readiness, metrics and the OpenAPI document. Unauthenticated by design. */
final class OpsApi {
    private final LinkStore store;
    private final Supplier<String> metrics;
    private final byte[] openapi;

    OpsApi(LinkStore store, Supplier<String> metrics) {
        this.store = store;
        this.metrics = metrics;
        this.openapi = load("/openapi.json");
    }

    void routes(Router r) {
        r.add("GET", "/healthz", "Liveness", req -> Reply.json(200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8))
                .header("cache-control", "no-store"));
        r.add("GET", "/readyz", "Readiness (checks the store)", req -> {
            try {
                store.ping();
                return Reply.json(200, "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8)).header("cache-control", "no-store");
            } catch (RuntimeException e) {
                return Problem.of(503, "not-ready", "Not ready", "the store is not reachable")
                        .withHeaders(Map.of("retry-after", "2", "cache-control", "no-store")).toReply(req.path());
            }
        });
        r.add("GET", "/metrics", "Prometheus metrics", req -> Reply.of(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.get().getBytes(StandardCharsets.UTF_8)).header("cache-control", "no-store"));
        r.add("GET", "/api/openapi.json", "The OpenAPI 3.1 document", req -> Reply.json(200, openapi));
    }

    private static byte[] load(String resource) {
        try (InputStream in = OpsApi.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
