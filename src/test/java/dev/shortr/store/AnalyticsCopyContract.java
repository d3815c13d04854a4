package dev.shortr.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.analytics.AnalyticsRow;
import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Counts;
import dev.shortr.analytics.Dim;
import dev.shortr.analytics.Visit;
import dev.shortr.analytics.VisitChunk;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AnalyticsStore} adapter must do to be copied by {@code shortr migrate}: rows restored read back
 * exactly, by link range, restoring twice is restoring once, and the stats read what was restored. Each adapter
 * has a subclass handing out a fresh, empty store per test.
 */
public abstract class AnalyticsCopyContract {
    private static final long DAY = 20_000;

    /** A fresh, empty store; the same instance for the whole of one test. */
    protected abstract AnalyticsStore store();

    private static VisitChunk chunk(long linkId, long atMs) {
        VisitChunk.Builder b = new VisitChunk.Builder();
        b.add(new Visit(linkId, atMs, "203.0.113.0/24", "FR", null, null, "news.example", "https://news.example/a",
                "Firefox", "Linux", "desktop", null, false, true));
        return b.finish();
    }

    private static AnalyticsRow.Chunk stored(long id, long linkId, long atMs) {
        VisitChunk c = chunk(linkId, atMs);
        return new AnalyticsRow.Chunk(id, c.firstMs(), c.lastMs(), c.count(), c.data());
    }

    private static final List<AnalyticsRow> ROWS = List.of(
            new AnalyticsRow.Hour(3, DAY * 24 + 5, 7, 2, 1), new AnalyticsRow.Hour(3, DAY * 24 + 6, 1, 0, 0),
            new AnalyticsRow.Hour(9, DAY * 24 + 5, 4, 0, 0),
            new AnalyticsRow.DimValue(3, DAY, Dim.REFERRER, "news.example", 5, 1), new AnalyticsRow.DimValue(3, DAY, Dim.COUNTRY, "FR", 8, 2),
            new AnalyticsRow.DimValue(9, DAY + 1, Dim.BROWSER, "Firefox", 4, 0),
            new AnalyticsRow.Visitor(3, DAY, 42), new AnalyticsRow.Visitor(3, DAY, -42), new AnalyticsRow.Visitor(0, DAY, 42),
            new AnalyticsRow.Sketch(9, DAY, new byte[] {1, 2, 3}), new AnalyticsRow.Sketch(0, DAY, new byte[] {4, 5}),
            new AnalyticsRow.Salt(DAY, new byte[] {9, 9, 9, 9}), new AnalyticsRow.Salt(DAY + 1, new byte[] {8}));

    private Set<String> exported(long after, long last) {
        Set<String> out = new HashSet<>();
        store().exportRows(after, last, r -> assertThat(out.add(r.canonical())).as("%s exported twice", r).isTrue());
        return out;
    }

    private static Set<String> canonical(List<? extends AnalyticsRow> rows) {
        Set<String> out = new HashSet<>();
        rows.forEach(r -> out.add(r.canonical()));
        return out;
    }

    @Test
    void restoredRowsExportExactlyByLinkRangeWithTheInstanceAndSaltsInTheRangeOfZero() {
        store().restore(ROWS);

        assertThat(exported(-1, Long.MAX_VALUE)).isEqualTo(canonical(ROWS));
        assertThat(exported(0, 3)).isEqualTo(canonical(ROWS.stream().filter(r -> linkOf(r) == 3).toList()));
        assertThat(exported(3, Long.MAX_VALUE)).isEqualTo(canonical(ROWS.stream().filter(r -> linkOf(r) == 9).toList()));
        assertThat(exported(-1, 0)).isEqualTo(canonical(ROWS.stream().filter(r -> linkOf(r) == 0).toList()));
        assertThat(exported(4, 8)).isEmpty();
    }

    private static long linkOf(AnalyticsRow r) {
        return switch (r) {
            case AnalyticsRow.Hour h -> h.linkId();
            case AnalyticsRow.DimValue d -> d.linkId();
            case AnalyticsRow.Visitor v -> v.linkId();
            case AnalyticsRow.Sketch k -> k.linkId();
            case AnalyticsRow.Salt s -> 0; // salts travel with the instance
            case AnalyticsRow.Chunk c -> -1;
        };
    }

    @Test
    void restoringAgainReplacesInsteadOfAdding() {
        store().restore(ROWS);
        store().restore(ROWS);
        store().restore(List.of(new AnalyticsRow.Hour(3, DAY * 24 + 5, 9, 3, 0)));

        Set<String> expected = canonical(ROWS);
        expected.remove(new AnalyticsRow.Hour(3, DAY * 24 + 5, 7, 2, 1).canonical());
        expected.add(new AnalyticsRow.Hour(3, DAY * 24 + 5, 9, 3, 0).canonical());
        assertThat(exported(-1, Long.MAX_VALUE)).isEqualTo(expected);
    }

    @Test
    void theStatsReadWhatWasRestored() {
        store().restore(ROWS);

        List<Map.Entry<Long, Counts>> hours = store().hours(List.of(3L), DAY * 24, DAY * 24 + 24);
        assertThat(hours).containsExactly(Map.entry(DAY * 24 + 5, new Counts(7, 2, 1)), Map.entry(DAY * 24 + 6, new Counts(1, 0, 0)));
        assertThat(store().top(List.of(3L), Dim.COUNTRY, DAY, DAY + 1, 10)).containsExactly(Map.entry("FR", new Counts(8, 2, 0)));
        assertThat(store().salt(DAY, () -> new byte[] {0})).containsExactly(9, 9, 9, 9);
    }

    @Test
    void chunksKeepTheirIdsAndContentAndLaterOnesGoAfterThem() {
        List<AnalyticsRow.Chunk> chunks = List.of(stored(4, 3, 1_700_000_000_000L), stored(9, 9, 1_700_000_100_000L));
        store().restore(chunks);
        store().restore(chunks.subList(1, 2));

        assertThat(store().lastChunkId()).isEqualTo(9);
        assertThat(store().chunksAfter(0, 10)).containsExactlyElementsOf(chunks);
        assertThat(store().chunksAfter(4, 10)).containsExactly(chunks.get(1));
        assertThat(store().chunksAfter(0, 1)).containsExactly(chunks.get(0));
        List<Visit> visits = new ArrayList<>();
        store().visits(null, 0, Long.MAX_VALUE, visits::add);
        assertThat(visits).extracting(Visit::linkId).containsExactly(3L, 9L);

        VisitChunk later = chunk(3, 1_700_000_200_000L);
        store().write(new AnalyticsStore.Batch(null, AnalyticsStore.DimCounts.NONE, AnalyticsStore.Visitors.NONE, Map.of(),
                List.of(later)), (a, b) -> b);
        assertThat(store().lastChunkId()).isGreaterThan(9);
    }

    @Test
    void anEmptyStoreHasNothingToExport() {
        assertThat(exported(-1, Long.MAX_VALUE)).isEmpty();
        assertThat(store().chunksAfter(0, 10)).isEmpty();
        assertThat(store().lastChunkId()).isZero();
    }
}
