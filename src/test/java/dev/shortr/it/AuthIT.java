package dev.shortr.it;

import static dev.shortr.it.TestNode.assertProblem;
import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.AuthConfig;
import dev.shortr.config.RateLimitConfig;
import dev.shortr.config.ShortrConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keys, scopes, ownership and rate limits, as API clients run into them. */
class AuthIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    @Test
    void noKeyIs401WithAChallenge() {
        for (String[] call : new String[][] {{"GET", "/api/v1/links"}, {"POST", "/api/v1/links"}, {"GET", "/api/v1/keys"},
                {"GET", "/api/v1/links/abc123"}, {"DELETE", "/api/v1/keys/xyz"}}) {
            HttpResponse<String> r = node.api(call[0], call[1], null, call[0].equals("POST") ? "{\"url\": \"https://example.com/\"}" : null);
            assertProblem(r, 401, "unauthorized");
            assertThat(r.headers().firstValue("www-authenticate")).as("%s %s", call[0], call[1])
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer sk_nope_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Bearer ", "Bearer nonsense", "Basic YWRtaW46YWRtaW4=",
            "sk_not_even_bearer_AAAAAAAAAAAAAAAAAAAAAAA"})
    void badKeyIs401(String authorization) {
        HttpResponse<String> r = node.send(node.request("/api/v1/links").header("Authorization", authorization).GET().build());
        assertProblem(r, 401, "unauthorized");
        assertThat(r.headers().firstValue("www-authenticate")).isPresent();
    }

    @Test
    void aTamperedAdminKeyIs401() {
        String key = node.adminKey();
        char last = key.charAt(key.length() - 1);
        String tampered = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertProblem(node.api("GET", "/api/v1/links", tampered, null), 401, "unauthorized");
        assertThat(node.api("GET", "/api/v1/links", key, null).statusCode()).as("the real key still works").isEqualTo(200);
    }

    @Test
    void aReadOnlyKeyCanReadButNotWrite() {
        String reader = node.mintKey("reader", "links:read");
        assertThat(node.api("GET", "/api/v1/links", reader, null).statusCode()).isEqualTo(200);

        JsonNode p = assertProblem(node.api("POST", "/api/v1/links", reader, "{\"url\": \"https://example.com/nope\"}"), 403, "insufficient-scope");
        assertThat(p.get("detail").asText()).contains("links:write");
        assertProblem(node.api("POST", "/api/v1/links/bulk", reader, "[{\"url\": \"https://example.com/nope\"}]"), 403, "insufficient-scope");
        assertProblem(node.api("GET", "/api/v1/keys", reader, null), 403, "insufficient-scope");
        assertProblem(node.api("POST", "/api/v1/keys", reader, "{\"name\": \"escalate\", \"scopes\": [\"admin\"]}"), 403, "insufficient-scope");
    }

    @Test
    void statsNeedTheStatsScope() {
        String writer = node.mintKey("writer-no-stats", "links:read", "links:write");
        node.createLinkAs(writer, "{\"code\": \"sta001\", \"url\": \"https://example.com/stats\"}");
        assertProblem(node.api("GET", "/api/v1/links/sta001/stats", writer, null), 403, "insufficient-scope");
    }

    @Test
    void aKeyIsShownOnceListedWithoutItsSecretAndDeadOnceRevoked() {
        HttpResponse<String> created = node.admin("POST", "/api/v1/keys", "{\"name\": \"ci bot\", \"scopes\": [\"links:read\", \"links:write\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode k = parse(created.body());
        String secret = k.get("key").asText();
        String id = k.get("id").asText();
        assertThat(secret).startsWith("sk_");
        assertThat(k.get("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrder("links:read", "links:write");
        assertThat(node.api("GET", "/api/v1/links", secret, null).statusCode()).as("the new key works").isEqualTo(200);

        HttpResponse<String> list = node.admin("GET", "/api/v1/keys", null);
        assertThat(list.statusCode()).isEqualTo(200);
        // sk_<8-character id>_<secret>: the secret is base64url and may hold '_' itself, so it is cut by position
        String secretPart = secret.substring("sk_".length() + id.length() + 1);
        assertThat(secretPart).hasSizeGreaterThan(30);
        assertThat(list.body()).contains(id).contains("ci bot").doesNotContain(secret).doesNotContain(secretPart);
        assertThat(parse(list.body()).get("items")).anySatisfy(item -> {
            assertThat(item.get("id").asText()).isEqualTo(id);
            assertThat(item.has("key")).as("listed key %s", item).isFalse();
        });

        assertThat(node.admin("DELETE", "/api/v1/keys/" + id, null).statusCode()).isEqualTo(204);
        assertProblem(node.api("GET", "/api/v1/links", secret, null), 401, "unauthorized");
        assertProblem(node.api("POST", "/api/v1/links", secret, "{\"url\": \"https://example.com/after-revoke\"}"), 401, "unauthorized");
        assertProblem(node.admin("DELETE", "/api/v1/keys/" + id, null), 404, "key-not-found");
        assertThat(parse(node.admin("GET", "/api/v1/keys", null).body()).get("items")).anySatisfy(item -> {
            assertThat(item.get("id").asText()).isEqualTo(id);
            assertThat(item.get("revokedAt").isNull()).as("revokedAt of %s", item).isFalse();
        });
    }

    @Test
    void keyCreationIsValidated() {
        assertProblem(node.admin("POST", "/api/v1/keys", "{\"name\": \"x\", \"scopes\": [\"root\"]}"), 400, "invalid-field");
        assertProblem(node.admin("POST", "/api/v1/keys", "{\"name\": \"x\", \"scopes\": []}"), 400, "invalid-field");
        assertProblem(node.admin("POST", "/api/v1/keys", "{\"scopes\": [\"admin\"]}"), 400, "invalid-field");
        assertProblem(node.admin("POST", "/api/v1/keys", "{\"name\": \"x\", \"scopes\": [\"admin\"], \"secret\": \"mine\"}"), 400, "unknown-field");
    }

    @Test
    void aKeySeesOnlyItsOwnLinks() {
        String alice = node.mintKey("alice", "links:read", "links:write", "stats:read");
        String bob = node.mintKey("bob", "links:read", "links:write", "stats:read");
        node.createLinkAs(alice, "{\"code\": \"ali001\", \"url\": \"https://example.com/alice\"}");
        node.createLinkAs(bob, "{\"code\": \"bob001\", \"url\": \"https://example.com/bob\"}");
        node.createLink("adm001", "https://example.com/admin", null);

        assertThat(codes(node.api("GET", "/api/v1/links?limit=1000", bob, null))).containsExactly("bob001");
        assertThat(codes(node.api("GET", "/api/v1/links?limit=1000&owner=" + "anyone", bob, null)))
                .as("owner= is an admin filter; others still see only their own").containsExactly("bob001");
        assertProblem(node.api("GET", "/api/v1/links/ali001", bob, null), 404, "link-not-found");
        assertProblem(node.api("GET", "/api/v1/links/ali001/stats", bob, null), 404, "link-not-found");
        assertProblem(node.api("GET", "/api/v1/links/adm001", bob, null), 404, "link-not-found");
        assertProblem(node.api("PATCH", "/api/v1/links/ali001", bob, "{\"url\": \"https://evil.example/\"}"), 404, "link-not-found");
        assertProblem(node.api("DELETE", "/api/v1/links/ali001", bob, null), 404, "link-not-found");
        assertThat(node.get("/ali001").headers().firstValue("location")).as("bob changed nothing").hasValue("https://example.com/alice");

        assertThat(codes(node.admin("GET", "/api/v1/links?limit=1000", null))).as("the admin sees everyone's")
                .contains("ali001", "bob001", "adm001");
        assertThat(node.api("GET", "/api/v1/links/ali001", alice, null).statusCode()).isEqualTo(200);
    }

    @Test
    void reuseNeverHandsOutAnotherOwnersLink() {
        String carol = node.mintKey("carol", "links:read", "links:write");
        String dave = node.mintKey("dave", "links:read", "links:write");
        String carols = node.createLinkAs(carol, "{\"url\": \"https://example.com/shared-target\", \"title\": \"carol's\"}")
                .get("code").asText();
        HttpResponse<String> r = node.api("POST", "/api/v1/links", dave, "{\"url\": \"https://example.com/shared-target\", \"reuse\": true}");
        assertThat(r.statusCode()).as("dave gets his own link: %s", r.body()).isEqualTo(201);
        assertThat(parse(r.body()).get("code").asText()).isNotEqualTo(carols);
        assertThat(parse(r.body()).get("title").isNull()).isTrue();
    }

    @Test
    void anonymousCreateIsOffByDefault() {
        assertProblem(node.api("POST", "/api/v1/links", null, "{\"url\": \"https://example.com/anon\"}"), 401, "unauthorized");
    }

    @Test
    void apiAnswersCarryRateLimitFields() {
        HttpResponse<String> r = node.admin("GET", "/api/v1/links?limit=1", null);
        assertThat(r.headers().firstValue("ratelimit-limit")).isPresent();
        assertThat(r.headers().firstValue("ratelimit-remaining")).isPresent();
    }

    private static List<String> codes(HttpResponse<String> list) {
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        parse(list.body()).get("items").forEach(l -> out.add(l.get("code").asText()));
        return out;
    }

    /** A node that lets anyone create links, three per minute per address. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AnonymousCreate {
        TestNode open;

        @BeforeAll
        void start(@TempDir Path anonData) {
            open = TestNode.start(anonData, c -> new ShortrConfig(c.server(), c.store(), c.links(), c.redirect(), c.clicks(),
                    new AuthConfig(true), new RateLimitConfig(true, 6000, 12000, 3), c.webhooks(), c.tls()));
        }

        @AfterAll
        void stop() {
            if (open != null) {
                open.close();
            }
        }

        @Test
        void anonymousCreateWorksAndIsLimitedPerAddress() {
            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> r = open.api("POST", "/api/v1/links", null, "{\"url\": \"https://example.com/anon/" + i + "\"}");
                assertThat(r.statusCode()).as("anonymous create %d: %s", i, r.body()).isEqualTo(201);
                assertThat(r.headers().firstValue("ratelimit-limit")).hasValue("3");
                assertThat(r.headers().firstValue("ratelimit-remaining")).hasValue(Integer.toString(3 - i));
                String code = parse(r.body()).get("code").asText();
                assertThat(open.get("/" + code).headers().firstValue("location")).hasValue("https://example.com/anon/" + i);
            }

            HttpResponse<String> fourth = open.api("POST", "/api/v1/links", null, "{\"url\": \"https://example.com/anon/4\"}");
            assertProblem(fourth, 429, "rate-limited");
            assertThat(fourth.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
            assertThat(fourth.headers().firstValue("ratelimit-limit")).hasValue("3");
            assertThat(fourth.headers().firstValue("ratelimit-remaining")).hasValue("0");

            assertThat(open.api("POST", "/api/v1/links", open.adminKey(), "{\"url\": \"https://example.com/keyed\"}").statusCode())
                    .as("a caller with a key is not held to the anonymous limit").isEqualTo(201);
        }

        @Test
        void anonymousCallersMayOnlyCreate() {
            assertProblem(open.api("GET", "/api/v1/links", null, null), 401, "unauthorized");
            assertProblem(open.api("POST", "/api/v1/links/bulk", null, "[{\"url\": \"https://example.com/b\"}]"), 401, "unauthorized");
        }

        @Test
        void aBadKeyIsNotTreatedAsAnonymous() {
            assertProblem(open.api("POST", "/api/v1/links", "sk_wrong_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "{\"url\": \"https://example.com/x\"}"),
                    401, "unauthorized");
        }
    }
}
