package dev.shortr.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flush larger than the origin takes in one request is kept as several batches, none refused, no click lost. */
class ClickOutboxTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aLargeFlushIsSplitIntoBatchesTheOriginTakes() throws Exception {
        ClickOutbox outbox = new ClickOutbox(dir, 100);
        List<ClickOutbox.Count> counts = new ArrayList<>();
        LocalDate day = LocalDate.of(2026, 11, 25);
        for (int i = 0; i < 24_008; i++) { // the size of a flush the origin refused under bench/edge's load
            counts.add(new ClickOutbox.Count("c" + i, day, 1 + i % 3));
        }
        assertThat(outbox.keep(counts)).isTrue();

        List<Path> batches = outbox.waiting();
        assertThat(batches).hasSize(5);
        long clicks = 0;
        int kept = 0;
        for (Path b : batches) {
            JsonNode body = JSON.readTree(Files.readAllBytes(b));
            assertThat(body.get("counts").size()).isLessThanOrEqualTo(ClickOutbox.MAX_COUNTS); // the origin's limit is 10,000
            assertThat(Files.size(b)).isLessThan(1 << 20); // and its default body limit 1 MiB
            kept += body.get("counts").size();
            for (JsonNode c : body.get("counts")) {
                clicks += c.get("clicks").asLong();
            }
        }
        assertThat(kept).isEqualTo(counts.size());
        assertThat(clicks).isEqualTo(counts.stream().mapToLong(ClickOutbox.Count::clicks).sum());
        assertThat(outbox.dropped()).isZero();
    }

    @Test
    void batchesPastTheBoundAreDroppedAndCounted() {
        ClickOutbox outbox = new ClickOutbox(dir, 1);
        List<ClickOutbox.Count> counts = new ArrayList<>();
        for (int i = 0; i < ClickOutbox.MAX_COUNTS + 1; i++) {
            counts.add(new ClickOutbox.Count("c" + i, LocalDate.of(2026, 11, 25), 2));
        }
        assertThat(outbox.keep(counts)).isFalse(); // the first batch fits, the second (one count) does not
        assertThat(outbox.waiting()).hasSize(1);
        assertThat(outbox.dropped()).isEqualTo(2);
    }
}
