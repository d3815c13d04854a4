package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.link.CodeGenerator;
import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.LinkPatch;
import dev.shortr.link.LinkSpec;
import dev.shortr.link.Links;
import dev.shortr.link.ShortCode;
import dev.shortr.store.memory.MemoryLinkStore;
import dev.shortr.store.memory.MemoryWebhookStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Turning the link change feed into outbox rows, over the in-memory stores. */
class FeedTailTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final MemoryLinkStore linkStore = new MemoryLinkStore(clock);
    private final Links links = new Links(linkStore, new CodeGenerator(7), DomainBlocklist.NONE, clock);
    private final MemoryWebhookStore store = new MemoryWebhookStore();

    private Endpoint endpoint(String id, String... events) {
        Endpoint e = new Endpoint(id, "https://hooks.example/" + id, List.of(events), true, null, SECRET, null, null, NOW, NOW);
        store.insert(e);
        return e;
    }

    private void create(String code) {
        links.create(new LinkSpec("https://example.com/" + code, code, null, null, null, null, null, null, null, null), null);
    }

    private List<String> eventIds(String endpoint) {
        return store.deliveries(endpoint, 0, 100).items().stream().map(d -> d.eventId() + " " + d.type().wire()).toList().reversed();
    }

    @Test
    void aFirstStartBeginsAtTheEndOfTheFeed() {
        Endpoint all = endpoint("wh_abc123", "*");
        create("old001");
        FeedTail tail = new FeedTail(linkStore, store);

        assertThat(tail.poll(List.of(all), NOW)).isZero();
        assertThat(store.feedCursor()).hasValue(1);
        create("new001");
        assertThat(tail.poll(List.of(all), NOW)).isEqualTo(1);
        assertThat(eventIds("wh_abc123")).containsExactly("evt_chg_2 link.created");
    }

    @Test
    void eachChangeGoesToTheEndpointsThatWantItsType() throws IOException {
        Endpoint all = endpoint("wh_abc123", "*");
        Endpoint deletions = endpoint("wh_def456", "link.deleted");
        Endpoint clicks = endpoint("wh_ghi789", "link.clicked");
        FeedTail tail = new FeedTail(linkStore, store);
        tail.poll(List.of(all, deletions, clicks), NOW);

        create("abc123");
        links.update(new ShortCode("abc123"), new LinkPatch(null, null, null, null, null, null, null, Optional.of("A title"), null));
        links.delete(new ShortCode("abc123"));
        assertThat(tail.poll(List.of(all, deletions, clicks), NOW)).isEqualTo(3);

        assertThat(eventIds("wh_abc123")).containsExactly("evt_chg_1 link.created", "evt_chg_2 link.updated", "evt_chg_3 link.deleted");
        assertThat(eventIds("wh_def456")).containsExactly("evt_chg_3 link.deleted");
        assertThat(eventIds("wh_ghi789")).isEmpty();
        JsonNode deleted = new ObjectMapper().readTree(store.claimDue(NOW, NOW.plusSeconds(60), 10).stream()
                .filter(d -> d.event().id().equals("evt_chg_3")).findFirst().orElseThrow().event().body());
        assertThat(deleted.get("type").asText()).isEqualTo("link.deleted");
        assertThat(deleted.get("data")).isEqualTo(new ObjectMapper().readTree("{\"code\": \"abc123\"}"));
    }

    @Test
    void aTailRestartedFromAnOldCursorEnqueuesNothingTwice() {
        Endpoint all = endpoint("wh_abc123", "*");
        new FeedTail(linkStore, store).poll(List.of(all), NOW);
        for (int i = 1; i <= 3; i++) {
            create("abc00" + i);
        }
        new FeedTail(linkStore, store).poll(List.of(all), NOW);
        assertThat(store.pending()).isEqualTo(3);

        // a crash after the rows were written but before the cursor was: the same changes are read again
        store.enqueueFromFeed(List.of(), 0, NOW);
        create("abc004");
        FeedTail restarted = new FeedTail(linkStore, store);
        assertThat(restarted.poll(List.of(all), NOW)).as("events built again").isEqualTo(4);

        assertThat(store.pending()).as("but one row per event").isEqualTo(4);
        assertThat(eventIds("wh_abc123")).containsExactly("evt_chg_1 link.created", "evt_chg_2 link.created",
                "evt_chg_3 link.created", "evt_chg_4 link.created");
        assertThat(store.feedCursor()).hasValue(4);
    }

    @Test
    void aLongFeedIsReadInBatches() {
        Endpoint all = endpoint("wh_abc123", "*");
        FeedTail tail = new FeedTail(linkStore, store);
        tail.poll(List.of(all), NOW);
        for (int i = 0; i < FeedTail.BATCH * 2 + 7; i++) {
            create("b" + i + "xyz");
        }
        assertThat(tail.poll(List.of(all), NOW)).isEqualTo(FeedTail.BATCH * 2 + 7);
        assertThat(store.feedCursor()).hasValue(FeedTail.BATCH * 2 + 7);
    }

    @Test
    void disabledEndpointsAreNotSentEventsAtAll() {
        Endpoint off = new Endpoint("wh_abc123", "https://hooks.example/off", List.of("*"), false, null, SECRET, null, null, NOW, NOW);
        store.insert(off);
        FeedTail tail = new FeedTail(linkStore, store);
        tail.poll(List.of(off), NOW);
        create("abc123");
        assertThat(tail.poll(List.of(off), NOW)).isZero();
        assertThat(store.feedCursor()).as("the cursor moves on regardless").hasValue(1);
    }
}
