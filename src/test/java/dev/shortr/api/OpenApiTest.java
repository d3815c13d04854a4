package dev.shortr.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.auth.ApiKeys;
import dev.shortr.config.AuthConfig;
import dev.shortr.config.RateLimitConfig;
import dev.shortr.http.Reply;
import dev.shortr.http.Router;
import dev.shortr.link.CodeGenerator;
import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.Links;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The published OpenAPI document and the router agree: every route is documented with its method, and every
 * documented operation is routed, so adding or removing a route without the document (or the reverse) fails.
 * The black-box half, against a running node, is {@code dev.shortr.it.OpenApiIT}.
 */
class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}/]+)}");

    private static JsonNode document() throws IOException {
        try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.json")) {
            assertThat(in).as("openapi.json on the classpath").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    /**
     * The routes as a node registers them: the API's own, then the catch-all redirect (see Node.start). The web
     * UI's routes and the ACME HTTP-01 challenge ({@code /.well-known/acme-challenge/{token}}, registered only with
     * ACME on) are not part of the API and stay out of the document.
     */
    private static Router routes() {
        Clock clock = Clock.systemUTC();
        // the handlers are never called here, so the ports behind them are not needed
        Api api = new Api(new Links(null, new CodeGenerator(7), DomainBlocklist.NONE, clock), null, new ApiKeys(null, clock),
                null, null, () -> "", AuthConfig.defaults(), RateLimitConfig.defaults(), "http://localhost:8080", null);
        Router router = new Router();
        api.routes(router);
        api.adminStatus(router, "/api/v1/dns/pools", "Health of the DNS role's sites", () -> new byte[0]); // with dns.zone on (else adminStatusOff)
        router.add("GET", "/{code}", "Follow a short link", req -> Reply.empty(302));
        return router;
    }

    private static Set<String> routed() {
        Set<String> out = new TreeSet<>();
        for (Router.Route r : routes().routes()) {
            out.add(r.method().toLowerCase(java.util.Locale.ROOT) + " " + r.pattern());
        }
        return out;
    }

    private static Set<String> documented(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                out.add(op.getKey() + " " + path.getKey());
            }
        }));
        return out;
    }

    @Test
    void isOpenApi31() throws IOException {
        assertThat(document().path("openapi").asText()).matches("3\\.1\\.\\d+");
    }

    @Test
    void everyRouteIsDocumented() throws IOException {
        assertThat(documented(document())).containsAll(routed());
    }

    @Test
    void everyDocumentedOperationIsRouted() throws IOException {
        assertThat(routed()).containsAll(documented(document()));
    }

    @Test
    void everyPathParameterIsDeclared() throws IOException {
        JsonNode doc = document();
        doc.get("paths").properties().forEach(path -> {
            Matcher m = PATH_PARAM.matcher(path.getKey());
            while (m.find()) {
                String name = m.group(1);
                path.getValue().properties().forEach(op -> {
                    if (!METHODS.contains(op.getKey())) {
                        return;
                    }
                    boolean declared = declares(path.getValue().get("parameters"), name) || declares(op.getValue().get("parameters"), name);
                    assertThat(declared).as("%s %s declares path parameter '%s'", op.getKey(), path.getKey(), name).isTrue();
                });
            }
        });
    }

    @Test
    void everyOperationDocumentsItsResponses() throws IOException {
        documented(document()).forEach(op -> {
            String[] mp = op.split(" ", 2);
            JsonNode responses = uncheckedDoc().at("/paths/" + escape(mp[1]) + "/" + mp[0] + "/responses");
            assertThat(responses.isObject() && !responses.isEmpty()).as("responses of %s", op).isTrue();
        });
    }

    private static JsonNode uncheckedDoc() {
        try {
            return document();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String escape(String jsonPointerToken) {
        return jsonPointerToken.replace("~", "~0").replace("/", "~1");
    }

    private static boolean declares(JsonNode parameters, String name) {
        if (parameters == null) {
            return false;
        }
        for (JsonNode p : parameters) {
            if (name.equals(p.path("name").asText()) && "path".equals(p.path("in").asText()) && p.path("required").asBoolean()) {
                return true;
            }
        }
        return false;
    }
}
