package dev.shortr.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.link.InvalidInputException;
import dev.shortr.link.StoreException;
import dev.shortr.webhook.Attempt;
import dev.shortr.webhook.Delivery;
import dev.shortr.webhook.DeliveryPage;
import dev.shortr.webhook.Due;
import dev.shortr.webhook.Endpoint;
import dev.shortr.webhook.Event;
import dev.shortr.webhook.EventType;
import dev.shortr.webhook.Fanout;
import dev.shortr.webhook.WebhookStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link WebhookStore} adapter must do; one subclass per adapter supplies a fresh store. */
public abstract class WebhookStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Duration LEASE = Duration.ofMinutes(1);

    protected abstract WebhookStore store();

    private static Endpoint endpoint(String id, Instant created, String... events) {
        return new Endpoint(id, "https://hooks.example/" + id, List.of(events.length == 0 ? new String[] {"*"} : events), true,
                "endpoint " + id, SECRET, null, null, created, created);
    }

    private static Event event(String id, EventType type) {
        return new Event(id, type, T0, ("{\"type\":\"" + type.wire() + "\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static Fanout fanout(String eventId, String... endpoints) {
        return new Fanout(event(eventId, EventType.LINK_CREATED), List.of(endpoints));
    }

    private void abcAndDef() {
        store().insert(endpoint("wh_abc123", T0));
        store().insert(endpoint("wh_def456", T0.plusSeconds(1)));
    }

    // --- endpoints ---

    @Test
    void anInsertedEndpointIsFoundAndListedOldestFirst() {
        store().insert(endpoint("wh_def456", T0.plusSeconds(60), "link.deleted", "link.created"));
        store().insert(endpoint("wh_abc123", T0));
        store().insert(endpoint("wh_ghi789", T0.plusSeconds(60)));

        Endpoint def = store().find("wh_def456").orElseThrow();
        assertThat(def.url()).isEqualTo("https://hooks.example/wh_def456");
        assertThat(def.events()).containsExactly("link.created", "link.deleted");
        assertThat(def.enabled()).isTrue();
        assertThat(def.description()).isEqualTo("endpoint wh_def456");
        assertThat(def.secret()).isEqualTo(SECRET);
        assertThat(def.createdAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(store().list()).extracting(Endpoint::id).containsExactly("wh_abc123", "wh_def456", "wh_ghi789");
        assertThat(store().find("wh_nope")).isEmpty();
    }

    @Test
    void aDuplicateIdIsRefused() {
        store().insert(endpoint("wh_abc123", T0));
        assertThatThrownBy(() -> store().insert(endpoint("wh_abc123", T0.plusSeconds(5)))).isInstanceOf(StoreException.class);
        assertThat(store().list()).hasSize(1);
    }

    @Test
    void anUpdateIsAppliedWholeOrNotAtAll() {
        store().insert(endpoint("wh_abc123", T0));

        Endpoint changed = store().update("wh_abc123", e -> e.with("https://other.example/in", List.of("link.clicked"), null, false,
                T0.plusSeconds(30))).orElseThrow();
        assertThat(changed.url()).isEqualTo("https://other.example/in");
        assertThatThrownBy(() -> store().update("wh_abc123", e -> e.with("ftp://other.example/", e.events(), "x", true, T0)))
                .isInstanceOf(InvalidInputException.class);

        Endpoint stored = store().find("wh_abc123").orElseThrow();
        assertThat(stored).isEqualTo(changed);
        assertThat(stored.events()).containsExactly("link.clicked");
        assertThat(stored.enabled()).isFalse();
        assertThat(stored.description()).isNull();
        assertThat(stored.updatedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(store().update("wh_nope", e -> e)).isEmpty();
    }

    @Test
    void aRotationKeepsThePreviousSecretUntilItExpires() {
        store().insert(endpoint("wh_abc123", T0));
        String next = "whsec_" + "A".repeat(43) + "=";
        store().update("wh_abc123", e -> e.withSecret(next, T0.plusSeconds(10), T0.plus(Duration.ofHours(24))));

        Endpoint e = store().find("wh_abc123").orElseThrow();
        assertThat(e.secret()).isEqualTo(next);
        assertThat(e.previousSecret()).isEqualTo(SECRET);
        assertThat(e.signingSecrets(T0.plusSeconds(20))).containsExactly(next, SECRET);
        assertThat(e.signingSecrets(T0.plus(Duration.ofHours(25)))).containsExactly(next);
    }

    @Test
    void deletingAnEndpointDeletesItsDeliveries() {
        abcAndDef();
        store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123", "wh_def456")), T0);

        assertThat(store().delete("wh_abc123")).isTrue();
        assertThat(store().delete("wh_abc123")).isFalse();

        assertThat(store().find("wh_abc123")).isEmpty();
        assertThat(store().deliveries("wh_abc123", 0, 10).items()).isEmpty();
        assertThat(store().deliveries("wh_def456", 0, 10).items()).extracting(Delivery::eventId).containsExactly("evt_chg_1");
        assertThat(store().pending()).isEqualTo(1);
    }

    // --- the outbox ---

    @Test
    void enqueueingAnEventAgainAddsNothing() {
        abcAndDef();

        assertThat(store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123", "wh_def456")), T0)).isEqualTo(2);
        assertThat(store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123", "wh_def456"), fanout("evt_chg_2", "wh_abc123")), T0))
                .as("only (evt_chg_2, wh_abc123) is new").isEqualTo(1);
        assertThat(store().enqueue(List.of(fanout("evt_chg_3", "wh_gone00")), T0)).as("unknown endpoints get nothing").isZero();

        assertThat(store().pending()).isEqualTo(3);
        assertThat(store().deliveries("wh_abc123", 0, 10).items()).extracting(Delivery::eventId)
                .containsExactly("evt_chg_2", "evt_chg_1");
    }

    @Test
    void theFeedCursorMovesWithItsEvents() {
        abcAndDef();
        assertThat(store().feedCursor()).isEmpty();

        store().enqueueFromFeed(List.of(), 7, T0);
        assertThat(store().feedCursor()).hasValue(7);
        assertThat(store().enqueueFromFeed(List.of(fanout("evt_chg_8", "wh_abc123")), 8, T0)).isEqualTo(1);
        assertThat(store().feedCursor()).hasValue(8);
        assertThat(store().enqueueFromFeed(List.of(fanout("evt_chg_8", "wh_abc123")), 8, T0)).as("replayed after a crash").isZero();
        assertThat(store().pending()).isEqualTo(1);
    }

    @Test
    void dueDeliveriesAreClaimedEarliestFirstWithTheirEventAndEndpoint() {
        abcAndDef();
        store().enqueue(List.of(fanout("evt_chg_2", "wh_abc123")), T0.plusSeconds(2));
        store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123", "wh_def456")), T0);
        store().enqueue(List.of(fanout("evt_chg_3", "wh_abc123")), T0.plusSeconds(60));

        assertThat(store().nextAttemptAt()).hasValue(T0);
        List<Due> due = store().claimDue(T0.plusSeconds(5), T0.plusSeconds(5).plus(LEASE), 10);

        assertThat(due).extracting(d -> d.event().id() + "->" + d.endpoint().id())
                .containsExactly("evt_chg_1->wh_abc123", "evt_chg_1->wh_def456", "evt_chg_2->wh_abc123");
        Due first = due.getFirst();
        assertThat(first.attempts()).isZero();
        assertThat(first.event().type()).isEqualTo(EventType.LINK_CREATED);
        assertThat(new String(first.event().body(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"link.created\",\"id\":\"evt_chg_1\"}");
        assertThat(first.event().timestamp()).isEqualTo(T0);
        assertThat(first.endpoint().url()).isEqualTo("https://hooks.example/wh_abc123");
        assertThat(first.endpoint().secret()).isEqualTo(SECRET);

        assertThat(store().claimDue(T0.plusSeconds(6), T0.plusSeconds(6).plus(LEASE), 10)).as("claimed ones are not due").isEmpty();
        assertThat(store().nextAttemptAt()).as("the lone unclaimed one").hasValue(T0.plusSeconds(60));
        assertThat(store().claimDue(T0.plusSeconds(5).plus(LEASE), T0.plus(LEASE).plus(LEASE), 10))
                .as("once their claim has run out (the node died mid-attempt), all are due again").hasSize(4);
    }

    @Test
    void claimsAreBoundedByTheLimit() {
        abcAndDef();
        List<Fanout> many = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            many.add(fanout("evt_chg_" + i, "wh_abc123"));
        }
        store().enqueue(many, T0);

        assertThat(store().claimDue(T0, T0.plus(LEASE), 2)).hasSize(2);
        assertThat(store().claimDue(T0, T0.plus(LEASE), 0)).isEmpty();
        assertThat(store().claimDue(T0, T0.plus(LEASE), 10)).hasSize(3);
    }

    @Test
    void aDisabledEndpointsDeliveriesWaitUntilItIsEnabled() {
        abcAndDef();
        store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123")), T0);
        store().update("wh_abc123", e -> e.with(e.url(), e.events(), e.description(), false, T0));

        assertThat(store().nextAttemptAt()).isEmpty();
        assertThat(store().claimDue(T0.plusSeconds(1), T0.plus(LEASE), 10)).isEmpty();

        store().update("wh_abc123", e -> e.with(e.url(), e.events(), e.description(), true, T0));
        assertThat(store().claimDue(T0.plusSeconds(1), T0.plus(LEASE), 10)).hasSize(1);
    }

    @Test
    void attemptsAreRecordedUntilDeliveredOrGivenUp() {
        abcAndDef();
        store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123"), fanout("evt_chg_2", "wh_abc123")), T0);
        List<Due> due = store().claimDue(T0, T0.plus(LEASE), 10);
        long one = due.get(0).id();
        long two = due.get(1).id();

        store().record(one, new Attempt.Retry(500, "HTTP 500: boom", T0.plusSeconds(1), T0.plusSeconds(6)));
        store().record(two, new Attempt.Retry(null, "connection refused", T0.plusSeconds(1), T0.plusSeconds(31)));
        assertThat(store().nextAttemptAt()).hasValue(T0.plusSeconds(6));
        Due again = store().claimDue(T0.plusSeconds(6), T0.plusSeconds(6).plus(LEASE), 10).getFirst();
        assertThat(again.id()).isEqualTo(one);
        assertThat(again.attempts()).isEqualTo(1);
        store().record(one, new Attempt.Delivered(204, T0.plusSeconds(7)));
        store().claimDue(T0.plusSeconds(31), T0.plusSeconds(31).plus(LEASE), 10);
        store().record(two, new Attempt.GaveUp(410, "HTTP 410", T0.plusSeconds(32)));

        List<Delivery> log = store().deliveries("wh_abc123", 0, 10).items();
        Delivery failed = log.get(0);
        assertThat(failed.eventId()).isEqualTo("evt_chg_2");
        assertThat(failed.state()).isEqualTo(Delivery.State.FAILED);
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.lastStatus()).isEqualTo(410);
        assertThat(failed.lastError()).isEqualTo("HTTP 410");
        assertThat(failed.lastAttemptAt()).isEqualTo(T0.plusSeconds(32));
        assertThat(failed.deliveredAt()).isNull();
        Delivery done = log.get(1);
        assertThat(done.state()).isEqualTo(Delivery.State.DELIVERED);
        assertThat(done.type()).isEqualTo(EventType.LINK_CREATED);
        assertThat(done.endpointId()).isEqualTo("wh_abc123");
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.lastStatus()).isEqualTo(204);
        assertThat(done.lastError()).isNull();
        assertThat(done.deliveredAt()).isEqualTo(T0.plusSeconds(7));
        assertThat(done.createdAt()).isEqualTo(T0);
        assertThat(store().pending()).isZero();
        assertThat(store().nextAttemptAt()).isEmpty();
    }

    @Test
    void releasingClaimsMakesDeliveriesInFlightDueAtOnce() {
        abcAndDef();
        store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123"), fanout("evt_chg_2", "wh_abc123")), T0);
        List<Due> due = store().claimDue(T0, T0.plus(LEASE), 10);
        store().record(due.get(1).id(), new Attempt.Retry(503, "HTTP 503", T0, T0.plusSeconds(600)));

        assertThat(store().releaseClaims(T0.plusSeconds(1))).as("only the one still claimed").isEqualTo(1);
        assertThat(store().claimDue(T0.plusSeconds(1), T0.plus(LEASE), 10)).extracting(Due::id).containsExactly(due.get(0).id());
    }

    @Test
    void deliveriesArePagedNewestFirst() {
        abcAndDef();
        for (int i = 1; i <= 5; i++) {
            store().enqueue(List.of(fanout("evt_chg_" + i, "wh_abc123", "wh_def456")), T0.plusSeconds(i));
        }

        DeliveryPage first = store().deliveries("wh_abc123", 0, 2);
        assertThat(first.items()).extracting(Delivery::eventId).containsExactly("evt_chg_5", "evt_chg_4");
        DeliveryPage second = store().deliveries("wh_abc123", first.nextBeforeId(), 2);
        assertThat(second.items()).extracting(Delivery::eventId).containsExactly("evt_chg_3", "evt_chg_2");
        DeliveryPage last = store().deliveries("wh_abc123", second.nextBeforeId(), 2);
        assertThat(last.items()).extracting(Delivery::eventId).containsExactly("evt_chg_1");
        assertThat(last.nextBeforeId()).isZero();
        assertThat(store().deliveries("wh_abc123", 0, 5).nextBeforeId()).as("exactly one full page").isZero();
        assertThat(first.items().getFirst().nextAttemptAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void pruningDeletesOldFinishedDeliveriesOnly() {
        abcAndDef();
        store().enqueue(List.of(fanout("evt_chg_1", "wh_abc123"), fanout("evt_chg_2", "wh_abc123"),
                fanout("evt_chg_3", "wh_abc123")), T0);
        store().enqueue(List.of(fanout("evt_chg_4", "wh_abc123")), T0.plus(Duration.ofDays(2)));
        List<Due> due = store().claimDue(T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(3)), 10);
        store().record(due.get(0).id(), new Attempt.Delivered(200, T0));
        store().record(due.get(1).id(), new Attempt.GaveUp(500, "HTTP 500", T0));
        store().record(due.get(3).id(), new Attempt.Delivered(200, T0.plus(Duration.ofDays(2))));
        // evt_chg_3 stays pending, however old

        assertThat(store().prune(T0.plus(Duration.ofDays(1)), 1)).as("bounded").isEqualTo(1);
        assertThat(store().prune(T0.plus(Duration.ofDays(1)), 100)).isEqualTo(1);
        assertThat(store().prune(T0.plus(Duration.ofDays(1)), 100)).isZero();

        assertThat(store().deliveries("wh_abc123", 0, 10).items()).extracting(Delivery::eventId)
                .containsExactly("evt_chg_4", "evt_chg_3");
        assertThat(store().enqueue(List.of(fanout("evt_chg_1", "wh_def456")), T0))
                .as("a pruned event can be enqueued again (its row is gone)").isEqualTo(1);
    }
}
