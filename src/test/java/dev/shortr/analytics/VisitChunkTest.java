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
        // a one-byte link, a two-byte time offset, the flags and ten one-byte string indexes; the strings once
        assertThat(b.finish().data().length).isLessThan(1000 * 14 + 200);
    }

    @Test
    void aReusedBuilderForgetsTheLastChunksStrings() {
        VisitChunk.Builder b = new VisitChunk.Builder();
        b.add(new Visit(1, 5, "198.51.100.0", "US", null, null, null, null, "Chrome", null, null, null, false, true));
        b.finish();
        b.reset();
        Visit second = new Visit(2, 6, "198.51.100.0", "DE", null, null, null, null, "Chrome", null, null, null, false, true);
        b.add(second);
        List<Visit> out = new ArrayList<>();
        VisitChunk.read(b.finish().data(), out::add);
        assertThat(out).containsExactly(second);
    }

    @Test
    void version1ChunksAreStillRead() throws Exception {
        // the layout before varints: table size, modified-UTF-8 strings, rows of fixed-width numbers
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream d = new java.io.DataOutputStream(bytes)) {
            d.writeByte(1);
            d.writeInt(2);
            d.writeUTF("203.0.113.0");
            d.writeUTF("NL");
            d.writeInt(1);
            d.writeLong(42);
            d.writeLong(1_700_000_000_000L);
            d.writeByte(2);
            int[] fields = {1, 2, 0, 0, 0, 0, 0, 0, 0, 0};
            for (int f : fields) {
                d.writeInt(f);
            }
        }
        List<Visit> out = new ArrayList<>();
        VisitChunk.read(bytes.toByteArray(), out::add);
        assertThat(out).containsExactly(new Visit(42, 1_700_000_000_000L, "203.0.113.0", "NL", null, null, null, null, null,
                null, null, null, false, true));
    }

    @Test
    void aCorruptChunkIsRefusedClearly() {
        assertThatThrownBy(() -> VisitChunk.read(new byte[] {9, 0, 0}, v -> {})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VisitChunk.read(new byte[] {1, 0, 0, 0, 5}, v -> {})).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> VisitChunk.read(new byte[] {2, 0, 5}, v -> {})).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> VisitChunk.read(new byte[] {2, 0, 0, 1, 7, 0}, v -> {})).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> VisitChunk.read(new byte[0], v -> {})).isInstanceOf(IllegalArgumentException.class);
    }
}
