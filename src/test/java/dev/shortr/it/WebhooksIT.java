package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shortr.config.ShortrConfig;
import dev.shortr.config.WebhooksConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks end to end: a real node sends to a real {@link Receiver} that verifies every signature and fails on
 * purpose. Each test has its own node, so the change feed (and with it every link event's id) starts at 1.
 */
class WebhooksIT {
    /** Creates an endpoint as the admin and returns the answer (with its secret). */
    private static JsonNode createWebhook(TestNode node, String url, String events) {
        HttpResponse<String> r = node.admin("POST", "/api/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": " + events + "}");
        assertThat(r.statusCode()).as("create webhook -> %s", r.body()).isEqualTo(201);
        return TestNode.parse(r.body());
    }

    private static List<JsonNode> deliveries(TestNode node, String webhookId) {
        HttpResponse<String> r = node.admin("GET", "/api/v1/webhooks/" + webhookId + "/deliveries?limit=1000", null);
        assertThat(r.statusCode()).as("deliveries -> %s", r.body()).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        TestNode.parse(r.body()).get("items").forEach(out::add);
        return out;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static Set<String> acceptedIds(Receiver r) {
        return r.accepted().stream().map(Receiver.Arrival::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static long acceptedClicks(Receiver r) {
        long n = 0;
        for (Receiver.Arrival a : r.accepted()) {
            if (a.type().equals("link.clicked")) {
                for (JsonNode l : a.json().at("/data/links")) {
                    n += l.get("clicks").asLong();
                }
            }
        }
        return n;
    }

    /** Every id was accepted once, and any other arrival of it was one the receiver turned down. */
    private static void assertExactlyOncePerId(Receiver r) {
        assertThat(r.arrivals).as("every request was signed right").allMatch(Receiver.Arrival::signedRight);
        Map<String, Integer> acceptedPerId = new HashMap<>();
        r.accepted().forEach(a -> acceptedPerId.merge(a.id(), 1, Integer::sum));
        assertThat(acceptedPerId).as("accepted deliveries per id").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        for (String id : acceptedPerId.keySet()) {
            List<Receiver.Arrival> all = r.of(id);
            assertThat(all.getLast().status()).as("the accepted attempt of %s is its last", id).isEqualTo(204);
            assertThat(all.subList(0, all.size() - 1)).as("attempts of %s before it was accepted", id)
                    .allMatch(a -> a.status() >= 500);
            assertThat(all).extracting(Receiver.Arrival::body).as("every attempt of %s sends the same body", id).containsOnly(all.getFirst().body());
        }
    }

    @Test
    void everyEventArrivesOnceSignedAndRetriesReuseItsId(@TempDir Path dir) throws Exception {
        try (Receiver receiver = new Receiver().failFirst(2); TestNode node = TestNode.start(dir)) {
            JsonNode hook = createWebhook(node, receiver.url("/hook"), "[\"*\"]");
            receiver.secret("/hook", hook.get("secret").asText());

            node.createLink("abc123", "https://example.com/a", null);
            node.createLink("def456", "https://example.com/d", "\"tags\": [\"docs\"]");
            node.createLink("ghi789", "https://example.com/g", null);
            assertThat(node.admin("PATCH", "/api/v1/links/abc123", "{\"title\": \"Renamed\"}").statusCode()).isEqualTo(200);
            assertThat(node.admin("DELETE", "/api/v1/links/ghi789", null).statusCode()).isEqualTo(204);
            node.webhooks().clicked(101, "abc123", 3);
            node.webhooks().clicked(102, "def456", 4);
            node.webhooks().clicked(101, "abc123", 2);

            Set<String> links = Set.of("evt_chg_1", "evt_chg_2", "evt_chg_3", "evt_chg_4", "evt_chg_5");
            await("five link events and nine clicks", () -> acceptedIds(receiver).containsAll(links) && acceptedClicks(receiver) == 9);
            Thread.sleep(300); // long enough for a duplicate to show up, if one were coming

            assertExactlyOncePerId(receiver);
            assertThat(acceptedClicks(receiver)).isEqualTo(9);
            Map<String, String> types = new HashMap<>();
            receiver.accepted().forEach(a -> types.put(a.id(), a.type()));
            assertThat(types).containsEntry("evt_chg_1", "link.created").containsEntry("evt_chg_2", "link.created")
                    .containsEntry("evt_chg_3", "link.created").containsEntry("evt_chg_4", "link.updated")
                    .containsEntry("evt_chg_5", "link.deleted");
            assertThat(types.keySet()).as("link events and click batches only").allMatch(id -> links.contains(id)
                    || types.get(id).equals("link.clicked"));
            for (String id : types.keySet()) {
                assertThat(receiver.of(id)).as("attempts of %s: two refused on purpose, then accepted", id).hasSize(3);
            }

            JsonNode created = receiver.of("evt_chg_2").getLast().json();
            assertThat(created.get("type").asText()).isEqualTo("link.created");
            assertThat(created.at("/data/code").asText()).isEqualTo("def456");
            assertThat(created.at("/data/url").asText()).isEqualTo("https://example.com/d");
            assertThat(created.at("/data/tags/0").asText()).isEqualTo("docs");
            assertThat(receiver.of("evt_chg_4").getLast().json().at("/data/title").asText()).isEqualTo("Renamed");
            assertThat(receiver.of("evt_chg_5").getLast().json().get("data")).isEqualTo(TestNode.parse("{\"code\": \"ghi789\"}"));

            await("every delivery recorded as delivered", () -> deliveries(node, hook.get("id").asText()).stream()
                    .allMatch(d -> d.get("state").asText().equals("delivered")));
            List<JsonNode> log = deliveries(node, hook.get("id").asText());
            assertThat(log).hasSize(types.size());
            assertThat(log).allSatisfy(d -> {
                assertThat(d.get("state").asText()).isEqualTo("delivered");
                assertThat(d.get("attempts").asInt()).isEqualTo(3);
                assertThat(d.get("lastStatus").asInt()).isEqualTo(204);
                assertThat(d.get("deliveredAt").isTextual()).isTrue();
                assertThat(d.get("nextAttemptAt").isNull()).isTrue();
            });
            await("the delivered counter", () -> node.metric("shortr_webhooks_delivered_total") == types.size());
            assertThat(node.metric("shortr_webhooks_attempts_failed_total")).isEqualTo(2.0 * types.size());
        }
    }

    @Test
    void eachEndpointGetsOnlyTheTypesItSubscribesTo(@TempDir Path dir) throws Exception {
        try (Receiver receiver = new Receiver(); TestNode node = TestNode.start(dir)) {
            receiver.secret("/deleted", createWebhook(node, receiver.url("/deleted"), "[\"link.deleted\"]").get("secret").asText());
            receiver.secret("/clicked", createWebhook(node, receiver.url("/clicked"), "[\"link.clicked\"]").get("secret").asText());

            node.createLink("abc123", "https://example.com/a", null);
            node.admin("DELETE", "/api/v1/links/abc123", null);
            node.webhooks().clicked(7, "abc123", 1);
            await("a deletion and a click batch", () -> receiver.accepted().size() == 2);
            Thread.sleep(300);

            assertThat(receiver.arrivals).extracting(a -> a.path() + " " + a.type())
                    .containsExactlyInAnyOrder("/deleted link.deleted", "/clicked link.clicked");
        }
    }

    @Test
    void realRedirectsBecomeLinkClickedEventsWithTheirCodesAndCounts(@TempDir Path dir) throws Exception {
        try (Receiver receiver = new Receiver(); TestNode node = TestNode.start(dir)) {
            receiver.secret("/clicked", createWebhook(node, receiver.url("/clicked"), "[\"link.clicked\"]").get("secret").asText());
            node.createLink("clk007", "https://example.com/seven", null);
            node.createLink("clk003", "https://example.com/three", null);
            for (int i = 0; i < 7; i++) {
                assertThat(node.get("/clk007").statusCode()).isEqualTo(302);
                if (i < 3) {
                    assertThat(node.get("/clk003").statusCode()).isEqualTo(302);
                }
            }
            assertThat(node.head("/clk007").statusCode()).as("a HEAD is not a click").isEqualTo(302);
            await("10 clicks in link.clicked events", () -> acceptedClicks(receiver) == 10);
            java.util.Map<String, Long> byCode = new java.util.TreeMap<>();
            for (Receiver.Arrival arrival : receiver.accepted()) {
                for (JsonNode l : arrival.json().at("/data/links")) {
                    byCode.merge(l.get("code").asText(), l.get("clicks").asLong(), Long::sum);
                }
            }
            assertThat(byCode).isEqualTo(java.util.Map.of("clk007", 7L, "clk003", 3L));
        }
    }

    @Test
    void aBadSignatureIsRefusedAndTheDeliveryEndsFailedInTheLog(@TempDir Path dir) throws Exception {
        try (Receiver receiver = new Receiver(); TestNode node = TestNode.start(dir)) {
            JsonNode hook = createWebhook(node, receiver.url("/hook"), "[\"link.created\"]");
            String id = hook.get("id").asText();
            // the receiver expects another secret, so no signature matches
            receiver.secret("/hook", "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");

            node.createLink("abc123", "https://example.com/a", null);
            await("the delivery to be given up", () -> deliveries(node, id).stream().anyMatch(d -> d.get("state").asText().equals("failed")));

            assertThat(receiver.arrivals).hasSize(4).allSatisfy(a -> {
                assertThat(a.signedRight()).isFalse();
                assertThat(a.status()).isEqualTo(401);
                assertThat(a.id()).isEqualTo("evt_chg_1");
            });
            JsonNode d = deliveries(node, id).getFirst();
            assertThat(d.get("eventId").asText()).isEqualTo("evt_chg_1");
            assertThat(d.get("type").asText()).isEqualTo("link.created");
            assertThat(d.get("attempts").asInt()).isEqualTo(4);
            assertThat(d.get("lastStatus").asInt()).isEqualTo(401);
            assertThat(d.get("lastError").asText()).isEqualTo("HTTP 401");
            assertThat(d.get("deliveredAt").isNull()).isTrue();
            await("the failed counter", () -> node.metric("shortr_webhooks_failed_total") == 1);
        }
    }

    @Test
    void afterARotationBothTheNewAndThePreviousSecretVerify(@TempDir Path dir) throws Exception {
        try (Receiver receiver = new Receiver(); TestNode node = TestNode.start(dir)) {
            JsonNode hook = createWebhook(node, receiver.url("/hook"), "[\"*\"]");
            String id = hook.get("id").asText();
            String first = hook.get("secret").asText();
            HttpResponse<String> rotated = node.admin("POST", "/api/v1/webhooks/" + id + "/rotate-secret", null);
            assertThat(rotated.statusCode()).isEqualTo(200);
            String second = TestNode.parse(rotated.body()).get("secret").asText();
            assertThat(second).startsWith("whsec_").isNotEqualTo(first);

            receiver.secret("/hook", first);
            String one = TestNode.parse(node.admin("POST", "/api/v1/webhooks/" + id + "/test", null).body()).get("eventId").asText();
            await("the test event", () -> acceptedIds(receiver).contains(one));
            receiver.secret("/hook", second);
            String two = TestNode.parse(node.admin("POST", "/api/v1/webhooks/" + id + "/test", null).body()).get("eventId").asText();
            await("the second test event", () -> acceptedIds(receiver).contains(two));

            assertExactlyOncePerId(receiver);
            assertThat(receiver.accepted()).extracting(Receiver.Arrival::type).containsOnly("webhook.test");
            assertThat(receiver.of(one).getLast().json().at("/data/endpoint").asText()).isEqualTo(id);
        }
    }

    @Test
    void aRestartWhileDeliveriesArePendingLosesNothingAndResendsNothingDelivered(@TempDir Path dir) throws Exception {
        // ten attempts 20 ms, 120 ms, 480 ms... apart: plenty left when the node stops, and short waits after
        ShortrConfig config = TestNode.config(dir);
        config = new ShortrConfig(config.server(), config.store(), config.links(), config.redirect(), config.clicks(),
                config.auth(), config.rateLimit(), new WebhooksConfig(true, Duration.ofMillis(200), 10, Duration.ofMillis(20),
                        Duration.ofSeconds(2), 4, Duration.ofDays(1), true), config.tls());
        try (Receiver receiver = new Receiver()) {
            TestNode first = TestNode.start(config, null);
            String adminKey = first.adminKey();
            String hookId;
            try {
                JsonNode hook = createWebhook(first, receiver.url("/hook"), "[\"*\"]");
                hookId = hook.get("id").asText();
                receiver.secret("/hook", hook.get("secret").asText());
                first.createLink("abc123", "https://example.com/a", null);
                await("the first event", () -> acceptedIds(receiver).contains("evt_chg_1"));

                receiver.down(true);
                first.createLink("def456", "https://example.com/d", null);
                first.createLink("ghi789", "https://example.com/g", null);
                first.admin("DELETE", "/api/v1/links/def456", null);
                first.webhooks().clicked(2, "def456", 5);
                first.webhooks().clicked(3, "ghi789", 6);
                await("attempts the receiver turns down", () -> receiver.arrivals.stream().anyMatch(a -> a.status() == 503));
                assertThat(deliveries(first, hookId)).anyMatch(d -> d.get("state").asText().equals("pending"));
                first.createLink("jkl012", "https://example.com/j", null); // possibly not even read from the feed yet
            } finally {
                first.close();
            }
            assertThat(acceptedIds(receiver)).as("before the restart").containsExactly("evt_chg_1");

            receiver.down(false);
            try (TestNode second = TestNode.start(config, adminKey)) {
                Set<String> links = Set.of("evt_chg_1", "evt_chg_2", "evt_chg_3", "evt_chg_4", "evt_chg_5");
                await("every event after the restart",
                        () -> acceptedIds(receiver).containsAll(links) && acceptedClicks(receiver) == 11);
                Thread.sleep(300);

                assertExactlyOncePerId(receiver);
                assertThat(acceptedClicks(receiver)).isEqualTo(11);
                assertThat(receiver.of("evt_chg_1")).as("delivered before the stop, never sent again").hasSize(1);
                assertThat(receiver.of("evt_chg_5").getLast().type()).isEqualTo("link.created");
                await("every delivery recorded as delivered", () -> deliveries(second, hookId).stream()
                        .allMatch(d -> d.get("state").asText().equals("delivered")));
            }
        }
    }
}
