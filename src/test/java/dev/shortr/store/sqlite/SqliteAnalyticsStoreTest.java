package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Dim;
import dev.shortr.config.StoreConfig;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import dev.shortr.visit.TallyMap;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to a link's analytics when the link is deleted, on the real database. */
class SqliteAnalyticsStoreTest {
    private static final long DAY = 20_000;
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteLinkStore links;
    private SqliteAnalyticsStore analytics;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        links = new SqliteLinkStore(db);
        analytics = new SqliteAnalyticsStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private long create(String code) {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        Link draft = new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"),
                RedirectType.FOUND, null, false, null, null, List.of(), null, null, false, t, t, 0);
        return ((Insert.Inserted) links.insert(draft)).link().id();
    }

    /** One flush's worth for each link: an hour of clicks, a referrer, a visitor and a sketch. */
    private void write(long... ids) {
        TallyMap hours = new TallyMap(16);
        for (long id : ids) {
            hours.add(TallyMap.key(id * 4, DAY * 24), 3);
        }
        long[] keys = new long[ids.length];
        long[] hashes = new long[ids.length];
        java.util.Map<AnalyticsStore.DayKey, byte[]> sketches = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            keys[i] = TallyMap.key(ids[i], DAY);
            hashes[i] = 42 + i;
            sketches.put(new AnalyticsStore.DayKey(ids[i], DAY), new byte[] {1, 2, 3});
        }
        AnalyticsStore.DimCounts dims = sink -> {
            for (long id : ids) {
                sink.accept(id, DAY, Dim.REFERRER, "news.example", 3, 0);
            }
        };
        analytics.write(new AnalyticsStore.Batch(hours, dims, new AnalyticsStore.Visitors(keys, hashes), sketches, null),
                (a, b) -> b);
    }

    private long rows(String table, long linkId) {
        return db.read("count", s -> {
            var q = s.prepare("SELECT count(*) FROM " + table + " WHERE link_id = ?");
            q.setLong(1, linkId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static final List<String> TABLES = List.of("click_hours", "click_dims", "click_visitors", "click_uniques");

    @Test
    void deletingALinkDeletesItsAnalyticsAndNoLaterWriteBringsThemBack() {
        long kept = create("kept");
        long gone = create("gone");
        write(kept, gone);
        for (String table : TABLES) {
            assertThat(rows(table, gone)).as(table + " before the delete").isPositive();
        }

        assertThat(links.delete(new ShortCode("gone"))).isTrue();
        for (String table : TABLES) {
            assertThat(rows(table, gone)).as(table + " after the delete").isZero();
            assertThat(rows(table, kept)).as(table + " of the other link").isPositive();
        }

        // counters of the deleted link that were still in memory at the delete, written after it
        write(kept, gone);
        for (String table : TABLES) {
            assertThat(rows(table, gone)).as(table + " after a late write").isZero();
        }
        assertThat(analytics.hours(List.of(kept), DAY * 24, DAY * 24 + 1)).singleElement()
                .satisfies(e -> assertThat(e.getValue().clicks()).isEqualTo(6));
        assertThat(analytics.top(List.of(kept), Dim.REFERRER, DAY, DAY + 1, 5))
                .containsExactly(Map.entry("news.example", new dev.shortr.analytics.Counts(6, 0, 0)));
    }
}
