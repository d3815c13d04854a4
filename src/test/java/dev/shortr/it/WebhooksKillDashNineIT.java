package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox through {@code kill -9}: a node in its own JVM makes 200 link changes while its receiver fails on
 * purpose (slowly, at the end), is killed with SIGKILL while deliveries are pending (some in flight, some maybe not
 * yet read from the change feed), and is started again on the same data directory. Every change acknowledged by the API must then
 * reach the receiver as one event, each id at least once (a delivery answered but not yet recorded when the node
 * died is sent again), and every arrival of an id with the same, correctly signed body.
 */
class WebhooksKillDashNineIT {
    private static final Pattern LINK_EVENT_ID = Pattern.compile("evt_chg_[0-9]+");
    private static final int CREATED = 120;
    private static final int UPDATED = 50; // the first 50 created
    private static final int DELETED = 30; // the last 30 created
    /** Retries 10 ms, 60 ms, 240 ms, 1.2 s, 3.6 s... apart: many attempts before the kill, short waits after it. */
    private static final String CONFIG = """
            server: { host: 127.0.0.1 }
            clicks: { geoDatabase: none }
            webhooks: { allowPrivate: true, backoffBase: 10ms, maxAttempts: 100, timeout: 5s }
            """;

    @TempDir
    Path dir;

    private static String code(int i) {
        return "hook%03d".formatted(i);
    }

    @Test
    void everyAcknowledgedChangeIsDeliveredAfterSigkillWithItsIdAndBody() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path config = Files.writeString(dir.resolve("shortr.yaml"), CONFIG);
        Set<String> expected = new TreeSet<>(); // "type code", one per acknowledged change
        String adminKey;
        String hookId;

        try (Receiver receiver = new Receiver().failFirst(3)) {
            try (ChildNode first = ChildNode.serve(config, data, dir.resolve("first"))) {
                adminKey = first.awaitAdminKey();
                first.awaitHealthy();
                JsonNode hook = TestNode.parse(first.expect(201, "POST", "/api/v1/webhooks", adminKey,
                        "{\"url\": \"" + receiver.url("/hook") + "\", \"events\": [\"*\"]}"));
                hookId = hook.get("id").asText();
                receiver.secret("/hook", hook.get("secret").asText());

                for (int i = 0; i < CREATED; i++) {
                    first.expect(201, "POST", "/api/v1/links", adminKey,
                            "{\"code\": \"" + code(i) + "\", \"url\": \"https://example.com/k9/" + i + "\"}");
                    expected.add("link.created " + code(i));
                }
                // some events get through before the receiver goes down: their ids must not come back changed
                await("a first accepted event", Duration.ofSeconds(30), () -> !receiver.accepted().isEmpty());
                receiver.down(true).delay(Duration.ofMillis(300)); // slow too: attempts are in flight when the node dies
                for (int i = 0; i < UPDATED; i++) {
                    first.expect(200, "PATCH", "/api/v1/links/" + code(i), adminKey, "{\"title\": \"Updated " + i + "\"}");
                    expected.add("link.updated " + code(i));
                }
                int turnedDown = receiver.arrivals.size();
                await("attempts the receiver turns down", Duration.ofSeconds(30),
                        () -> receiver.arrivals.stream().skip(turnedDown).anyMatch(a -> a.status() == 503));
                JsonNode log = TestNode.parse(first.expect(200, "GET", "/api/v1/webhooks/" + hookId + "/deliveries?limit=1000",
                        adminKey, null));
                assertThat(log.get("items")).as("pending deliveries").anyMatch(d -> d.get("state").asText().equals("pending"));
                // killed right after the last deletion: its events may not even have been read from the change feed
                for (int i = CREATED - DELETED; i < CREATED; i++) {
                    first.expect(204, "DELETE", "/api/v1/links/" + code(i), adminKey, null);
                    expected.add("link.deleted " + code(i));
                }
                first.kill();
            }
            Set<String> before = typesAndCodes(receiver);
            assertThat(before).as("delivered before the kill").isNotEmpty();
            assertThat(expected).as("changes acknowledged").hasSize(CREATED + UPDATED + DELETED).containsAll(before);
            assertThat(before).as("not everything was delivered before the kill").hasSizeLessThan(expected.size());

            receiver.failFirst(0).down(false).delay(Duration.ZERO);
            try (ChildNode second = ChildNode.serve(config, data, dir.resolve("second"))) {
                second.awaitHealthy();
                await("every acknowledged change at the receiver", Duration.ofSeconds(45),
                        () -> typesAndCodes(receiver).containsAll(expected), () -> missing(expected, receiver));

                assertThat(receiver.arrivals).as("every request was signed right").allMatch(Receiver.Arrival::signedRight);
                Map<String, List<Receiver.Arrival>> byId = new HashMap<>();
                receiver.arrivals.forEach(a -> byId.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(a));
                assertThat(byId.keySet()).as("link event ids").allMatch(id -> LINK_EVENT_ID.matcher(id).matches());
                assertThat(byId).as("one event id per acknowledged change").hasSize(expected.size());
                byId.forEach((id, arrivals) -> assertThat(arrivals).extracting(Receiver.Arrival::body)
                        .as("every arrival of %s carries the same body", id).containsOnly(arrivals.getFirst().body()));
                assertThat(typesAndCodes(receiver)).isEqualTo(expected);

                await("every delivery recorded as delivered", Duration.ofSeconds(20), () -> {
                    JsonNode items = TestNode.parse(second.expect(200, "GET", "/api/v1/webhooks/" + hookId + "/deliveries?limit=1000",
                            adminKey, null)).get("items");
                    return items.size() == expected.size()
                            && StreamSupport.stream(items.spliterator(), false).allMatch(d -> d.get("state").asText().equals("delivered"));
                });
            }
        }
    }

    /** "type code" of every accepted event. */
    private static Set<String> typesAndCodes(Receiver r) {
        Set<String> out = new TreeSet<>();
        for (Receiver.Arrival a : r.accepted()) {
            out.add(a.type() + " " + a.json().at("/data/code").asText());
        }
        return out;
    }

    private static String missing(Set<String> expected, Receiver r) {
        Set<String> left = new TreeSet<>(expected);
        left.removeAll(typesAndCodes(r));
        return left.size() + " missing, e.g. " + left.stream().limit(5).toList() + "; " + r.arrivals.size() + " arrivals";
    }

    private static void await(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
        await(what, limit, done, () -> "");
    }

    private static void await(String what, Duration limit, BooleanSupplier done, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what + " " + state.get());
            }
            Thread.sleep(25);
        }
    }
}
