package dev.shortr.it;

import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every operation in the document a running node serves reaches a handler on that node: no 405 and no
 * "no route" 404. The route-by-route comparison with the router itself is {@code dev.shortr.api.OpenApiTest}.
 */
class OpenApiIT {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @Test
    void everyDocumentedOperationIsRoutedOnARunningNode() {
        HttpResponse<String> docResponse = node.get("/api/openapi.json");
        assertThat(docResponse.statusCode()).isEqualTo(200);
        JsonNode doc = parse(docResponse.body());
        assertThat(doc.path("openapi").asText()).matches("3\\.1\\.\\d+");

        List<String> unrouted = new ArrayList<>();
        int operations = 0;
        for (var path : doc.get("paths").properties()) {
            String concrete = path.getKey().replace("{code}", "abc123").replaceAll("\\{[^}]+}", "someid");
            for (var op : path.getValue().properties()) {
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                String method = op.getKey().toUpperCase(Locale.ROOT);
                String body = method.equals("POST") || method.equals("PATCH") || method.equals("PUT") ? "{}" : null;
                HttpResponse<String> r = node.api(method, concrete, node.adminKey(), body);
                boolean noRoute = r.statusCode() == 405
                        || (r.statusCode() == 404 && r.body().contains("https://shortr.dev/problems/not-found\""));
                if (noRoute) {
                    unrouted.add(method + " " + path.getKey() + " -> " + r.statusCode() + " " + r.body());
                }
            }
        }
        assertThat(operations).as("documented operations").isGreaterThan(10);
        assertThat(unrouted).as("documented but not routed").isEmpty();
    }
}
