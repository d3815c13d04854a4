package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /api/v1/webhooks} as an API client sees it: the endpoint lifecycle, the delivery log, and every refusal. */
class WebhooksApiIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);
    private static final String BASE = "/api/v1/webhooks";

    private Receiver receiver;
    private int webhooksBefore;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
        webhooksBefore = list().size();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private static List<JsonNode> list() {
        HttpResponse<String> r = node.admin("GET", BASE, null);
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        parse(r.body()).get("items").forEach(out::add);
        return out;
    }

    private JsonNode create(String json) {
        HttpResponse<String> r = node.admin("POST", BASE, json);
        assertThat(r.statusCode()).as("create %s -> %s", json, r.body()).isEqualTo(201);
        return parse(r.body());
    }

    @Test
    void anEndpointIsCreatedReadChangedAndDeleted() {
        HttpResponse<String> created = node.admin("POST", BASE,
                "{\"url\": \"" + receiver.url("/in") + "\", \"events\": [\"link.deleted\", \"link.created\"], \"description\": \"CI\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode hook = parse(created.body());
        String id = hook.get("id").asText();
        assertThat(id).matches("wh_[a-z2-7]{20}");
        assertThat(created.headers().firstValue("location")).hasValue(BASE + "/" + id);
        assertThat(created.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(hook.get("secret").asText()).matches("whsec_[A-Za-z0-9+/]{43}=");
        assertThat(hook.get("url").asText()).isEqualTo(receiver.url("/in"));
        assertThat(hook.get("events")).isEqualTo(parse("[\"link.created\", \"link.deleted\"]"));
        assertThat(hook.get("enabled").asBoolean()).isTrue();
        assertThat(hook.get("description").asText()).isEqualTo("CI");

        JsonNode read = parse(node.admin("GET", BASE + "/" + id, null).body());
        assertThat(read.has("secret")).as("a secret is shown once").isFalse();
        assertThat(read.get("createdAt")).isEqualTo(hook.get("createdAt"));
        assertThat(list()).extracting(n -> n.get("id").asText()).contains(id);
        assertThat(list()).allMatch(n -> !n.has("secret"));

        HttpResponse<String> patched = node.admin("PATCH", BASE + "/" + id, "{\"events\": [\"*\"], \"enabled\": false, \"description\": null}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode p = parse(patched.body());
        assertThat(p.get("events")).isEqualTo(parse("[\"*\"]"));
        assertThat(p.get("enabled").asBoolean()).isFalse();
        assertThat(p.get("description").isNull()).isTrue();
        assertThat(p.get("url").asText()).as("untouched").isEqualTo(receiver.url("/in"));

        assertThat(node.admin("DELETE", BASE + "/" + id, null).statusCode()).isEqualTo(204);
        assertProblem(node.admin("GET", BASE + "/" + id, null), 404, "webhook-not-found");
        assertProblem(node.admin("DELETE", BASE + "/" + id, null), 404, "webhook-not-found");
        assertThat(list()).hasSize(webhooksBefore);
    }

    @Test
    void eventsDefaultToAllAndEnabledToTrue() {
        JsonNode hook = create("{\"url\": \"https://hooks.example/all\"}");
        assertThat(hook.get("events")).isEqualTo(parse("[\"*\"]"));
        assertThat(hook.get("enabled").asBoolean()).isTrue();
        assertThat(hook.get("description").isNull()).isTrue();
    }

    @Test
    void theDeliveryLogIsPagedNewestFirst() throws Exception {
        JsonNode hook = create("{\"url\": \"" + receiver.url("/in") + "\", \"events\": [\"link.clicked\"]}");
        String id = hook.get("id").asText();
        receiver.secret("/in", hook.get("secret").asText());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = node.admin("POST", BASE + "/" + id + "/test", null);
            assertThat(r.statusCode()).isEqualTo(202);
            sent.add(parse(r.body()).get("eventId").asText());
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (!node.admin("GET", BASE + "/" + id + "/deliveries", null).body().matches("(?s)(.*\"state\":\"delivered\".*){3}")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }

        JsonNode first = parse(node.admin("GET", BASE + "/" + id + "/deliveries?limit=2", null).body());
        assertThat(first.get("items")).extracting(d -> d.get("eventId").asText()).containsExactly(sent.get(2), sent.get(1));
        JsonNode d = first.get("items").get(0);
        assertThat(d.get("type").asText()).isEqualTo("webhook.test");
        assertThat(d.get("state").asText()).isEqualTo("delivered");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("lastStatus").asInt()).isEqualTo(204);
        assertThat(d.get("lastError").isNull()).isTrue();
        String cursor = first.get("nextCursor").asText();
        JsonNode second = parse(node.admin("GET", BASE + "/" + id + "/deliveries?limit=2&cursor=" + cursor, null).body());
        assertThat(second.get("items")).extracting(n -> n.get("eventId").asText()).containsExactly(sent.get(0));
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void aDisabledEndpointCannotBeTested() {
        String id = create("{\"url\": \"https://hooks.example/off\", \"enabled\": false}").get("id").asText();
        assertProblem(node.admin("POST", BASE + "/" + id + "/test", null), 409, "webhook-disabled");
    }

    @Test
    void rotatingGivesANewSecretOnce() {
        JsonNode hook = create("{\"url\": \"https://hooks.example/rot\"}");
        String id = hook.get("id").asText();
        HttpResponse<String> r = node.admin("POST", BASE + "/" + id + "/rotate-secret", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(parse(r.body()).get("secret").asText()).startsWith("whsec_").isNotEqualTo(hook.get("secret").asText());
        assertThat(parse(node.admin("GET", BASE + "/" + id, null).body()).has("secret")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{}                                                                 | invalid-field  | url",
            "{\"url\": null}                                                    | invalid-field  | url",
            "{\"url\": 5}                                                       | invalid-field  | url",
            "{\"url\": \"ftp://hooks.example/in\"}                              | invalid-field  | url",
            "{\"url\": \"hooks.example/in\"}                                    | invalid-field  | url",
            "{\"url\": \"https://user:pw@hooks.example/in\"}                    | invalid-field  | url",
            "{\"url\": \"https://hooks.example/in#x\"}                          | invalid-field  | url",
            "{\"url\": \"https://hooks.example/in\", \"events\": [\"link.visited\"]} | invalid-field | events",
            "{\"url\": \"https://hooks.example/in\", \"events\": []}            | invalid-field  | events",
            "{\"url\": \"https://hooks.example/in\", \"events\": \"link.created\"} | invalid-field | events",
            "{\"url\": \"https://hooks.example/in\", \"events\": [1]}           | invalid-field  | events",
            "{\"url\": \"https://hooks.example/in\", \"enabled\": \"yes\"}      | invalid-field  | enabled",
            "{\"url\": \"https://hooks.example/in\", \"description\": 7}        | invalid-field  | description",
            "{\"url\": \"https://hooks.example/in\", \"secret\": \"whsec_x\"}   | unknown-field  | secret",
    })
    void badFieldsAre400NamingTheField(String json, String slug, String field) {
        JsonNode p = assertProblem(node.admin("POST", BASE, json), 400, slug);
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo(field);
        assertThat(list()).hasSize(webhooksBefore);
    }

    @Test
    void aTooLongDescriptionIs400() {
        JsonNode p = assertProblem(node.admin("POST", BASE, "{\"url\": \"https://hooks.example/in\", \"description\": \""
                + "d".repeat(501) + "\"}"), 400, "invalid-field");
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo("description");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[]", "{\"url\": \"https://hooks.example/in\",}", "\"https://hooks.example/in\""})
    void malformedBodiesAre400(String body) {
        assertProblem(node.admin("POST", BASE, body), 400, "malformed-body");
    }

    @Test
    void aBodyThatIsNotJsonIs415() {
        HttpResponse<String> r = node.send(node.request(BASE).header("Authorization", "Bearer " + node.adminKey())
                .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("url=x")).build());
        assertProblem(r, 415, "unsupported-media-type");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"url\": null}                   | url",
            "{\"url\": \"ftp://x.example/\"}   | url",
            "{\"events\": null}                | events",
            "{\"events\": [\"nope\"]}          | events",
            "{\"enabled\": null}               | enabled",
            "{\"enabled\": 1}                  | enabled",
    })
    void aBadPatchIs400AndChangesNothing(String json, String field) {
        JsonNode hook = create("{\"url\": \"https://hooks.example/keep\", \"events\": [\"link.created\"]}");
        String id = hook.get("id").asText();
        JsonNode p = assertProblem(node.admin("PATCH", BASE + "/" + id, json), 400, "invalid-field");
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo(field);
        JsonNode now = parse(node.admin("GET", BASE + "/" + id, null).body());
        assertThat(now.get("url").asText()).isEqualTo("https://hooks.example/keep");
        assertThat(now.get("events")).isEqualTo(parse("[\"link.created\"]"));
        assertThat(now.get("enabled").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=1001", "limit=ten", "cursor=nonsense"})
    void badDeliveryLogParametersAre400(String query) {
        String id = create("{\"url\": \"https://hooks.example/log\"}").get("id").asText();
        assertProblem(node.admin("GET", BASE + "/" + id + "/deliveries?" + query, null), 400, "invalid-field");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"GET, ''", "PATCH, ''", "DELETE, ''", "GET, /deliveries", "POST, /test", "POST, /rotate-secret"})
    void anUnknownIdIs404(String method, String suffix) {
        for (String id : new String[] {"wh_doesnotexist00000", "%00x", "x".repeat(300)}) {
            HttpResponse<String> r = node.admin(method, BASE + "/" + id + suffix, method.equals("PATCH") ? "{\"enabled\": true}" : null);
            JsonNode p = assertProblem(r, 404, "webhook-not-found");
            assertThat(p.get("detail").asText()).hasSizeLessThan(200);
        }
    }

    @Test
    void onlyAdminsMayTouchWebhooks() {
        String writer = node.mintKey("writer", "links:read", "links:write", "stats:read");
        String id = create("{\"url\": \"https://hooks.example/admin\"}").get("id").asText();
        String[][] calls = {{"POST", BASE}, {"GET", BASE}, {"GET", BASE + "/" + id}, {"PATCH", BASE + "/" + id},
                {"DELETE", BASE + "/" + id}, {"GET", BASE + "/" + id + "/deliveries"}, {"POST", BASE + "/" + id + "/test"},
                {"POST", BASE + "/" + id + "/rotate-secret"}};
        for (String[] call : calls) {
            String body = call[0].equals("POST") || call[0].equals("PATCH") ? "{\"url\": \"https://hooks.example/x\"}" : null;
            assertProblem(node.api(call[0], call[1], writer, body), 403, "insufficient-scope");
            assertProblem(node.api(call[0], call[1], null, body), 401, "unauthorized");
        }
        assertThat(node.admin("GET", BASE + "/" + id, null).statusCode()).as("still there").isEqualTo(200);
    }
}
