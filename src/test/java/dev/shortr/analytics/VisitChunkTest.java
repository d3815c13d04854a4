package dev.shortr.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VisitChunkTest {
    @Test
    void visitsRoundTripInOrderWithTheirNullsAndFlags() {
        List<Visit> in = List.of(
                new Visit(7, 1_000, "203.0.113.0", "NL", null, null, "news.example", "https://news.example/a?b=c", "Firefox",
                        "Linux", "desktop", null, false, true),
                new Visit(7, 1_005, null, null, null, null, null, null, null, null, null, "crawler", false, false),
                new Visit(9, 999, "203.0.113.0", "NL", "NL-NH", "Amsterdam", "news.example", null, "Firefox", "Linux",
                        "desktop", null, true, true));
        VisitChunk.Builder b = new VisitChunk.Builder();
        in.forEach(b::add);
        VisitChunk chunk = b.finish();
        assertThat(chunk.count()).isEqualTo(3);
        assertThat(chunk.firstMs()).isEqualTo(999);
        assertThat(chunk.lastMs()).isEqualTo(1_005);
        List<Visit> out = new ArrayList<>();
        VisitChunk.read(chunk.data(), out::add);
        assertThat(out).isEqualTo(in);
    }

    @Test
    void repeatedStringsAreStoredOnce() {
        VisitChunk.Builder b = new VisitChunk.Builder();
        for (int i = 0; i < 1000; i++) {
            b.add(new Visit(1, i, "198.51.100.0", "US", null, null, "a-rather-long-referrer-host.example", null, "Chrome",
                    "Windows", "desktop", null, false, true));
        }
        // 8 + 8 + 1 + 10 * 4 bytes per visit, and the strings once
        assertThat(b.finish().data().length).isLessThan(1000 * 60 + 200);
    }

    @Test
    void aCorruptChunkIsRefusedClearly() {
        assertThatThrownBy(() -> VisitChunk.read(new byte[] {9, 0, 0}, v -> {})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VisitChunk.read(new byte[] {1, 0, 0, 0, 5}, v -> {})).hasMessageContaining("corrupt");
    }
}
