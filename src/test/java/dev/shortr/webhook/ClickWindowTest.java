package dev.shortr.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ClickWindowTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AtomicInteger next = new AtomicInteger();
    private final Supplier<String> ids = () -> "evt_clk_" + next.incrementAndGet();
    private final ClickWindow window = new ClickWindow(Duration.ofSeconds(10));

    private static JsonNode body(Event e) throws IOException {
        return JSON.readTree(e.body());
    }

    @Test
    void clicksAreSummedPerLinkUntilTheWindowCloses() throws IOException {
        assertThat(window.closesAt()).as("no window before the first click").isNull();
        window.add(1, "abc123", 3, T0);
        window.add(2, "def456", 1, T0.plusSeconds(4));
        window.add(1, "abc123", 2, T0.plusSeconds(9));

        assertThat(window.closesAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(window.close(T0.plusSeconds(9), false, ids)).as("not yet").isEmpty();
        List<Event> events = window.close(T0.plusSeconds(10), false, ids);

        assertThat(events).hasSize(1);
        Event e = events.getFirst();
        assertThat(e.id()).isEqualTo("evt_clk_1");
        assertThat(e.type()).isEqualTo(EventType.LINK_CLICKED);
        assertThat(JSON.readTree(e.body())).isEqualTo(JSON.readTree("""
                {"type": "link.clicked", "timestamp": "2026-03-01T10:00:10Z",
                 "data": {"window": {"from": "2026-03-01T10:00:00Z", "to": "2026-03-01T10:00:10Z"},
                          "links": [{"code": "abc123", "clicks": 5}, {"code": "def456", "clicks": 1}]}}"""));
        assertThat(window.closesAt()).isNull();
        assertThat(window.close(T0.plusSeconds(60), true, ids)).as("an empty window sends nothing").isEmpty();
    }

    @Test
    void theNextWindowOpensWithTheNextClick() throws IOException {
        window.add(1, "abc123", 1, T0);
        window.close(T0.plusSeconds(10), false, ids);
        window.add(2, "def456", 7, T0.plusSeconds(30));

        assertThat(window.closesAt()).isEqualTo(T0.plusSeconds(40));
        JsonNode second = body(window.close(T0.plusSeconds(40), false, ids).getFirst());
        assertThat(second.at("/data/window/from").asText()).isEqualTo("2026-03-01T10:00:30Z");
        assertThat(second.at("/data/links/0/code").asText()).isEqualTo("def456");
        assertThat(second.at("/data/links").size()).isEqualTo(1);
    }

    @Test
    void forcingClosesEarly() throws IOException {
        window.add(1, "abc123", 4, T0);
        List<Event> events = window.close(T0.plusSeconds(2), true, ids);
        assertThat(events).hasSize(1);
        assertThat(body(events.getFirst()).at("/data/window/to").asText()).isEqualTo("2026-03-01T10:00:02Z");
    }

    @Test
    void zeroClicksOpenNoWindow() {
        window.add(1, "abc123", 0, T0);
        assertThat(window.closesAt()).isNull();
    }

    @Test
    void aBusyWindowIsSplitIntoEventsOfAThousandLinksBusiestFirst() throws IOException {
        for (int i = 1; i <= 2500; i++) {
            window.add(i, "c" + i, i, T0);
        }
        List<Event> events = window.close(T0.plusSeconds(10), false, ids);

        assertThat(events).hasSize(3);
        assertThat(events).extracting(Event::id).doesNotHaveDuplicates();
        assertThat(body(events.get(0)).at("/data/links").size()).isEqualTo(1000);
        assertThat(body(events.get(0)).at("/data/links/0/code").asText()).isEqualTo("c2500");
        assertThat(body(events.get(2)).at("/data/links").size()).isEqualTo(500);
        assertThat(body(events.get(2)).at("/data/links/499/clicks").asLong()).isEqualTo(1);
        long total = 0;
        for (Event e : events) {
            assertThat(body(e).at("/data/window")).isEqualTo(body(events.getFirst()).at("/data/window"));
            for (JsonNode l : body(e).at("/data/links")) {
                total += l.get("clicks").asLong();
            }
        }
        assertThat(total).isEqualTo(2500L * 2501 / 2);
    }

    @Test
    void aFullWindowAsksToCloseAtOnce() {
        boolean full = false;
        for (int i = 0; i < ClickWindow.MAX_LINKS && !full; i++) {
            full = window.add(i, "c" + i, 1, T0);
        }
        assertThat(full).isTrue();
        assertThat(window.close(T0.plusSeconds(1), false, ids)).hasSize(ClickWindow.MAX_LINKS / ClickWindow.LINKS_PER_EVENT);
    }
}
