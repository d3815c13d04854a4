package dev.shortr.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Counts;
import dev.shortr.analytics.Dim;
import dev.shortr.analytics.Visit;
import dev.shortr.analytics.VisitChunk;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import dev.shortr.visit.TallyMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Analytics on PostgreSQL: a deleted link's rows stay deleted, and two nodes flushing the same link-day both count. */
class PostgresAnalyticsStoreTest {
    private static final long DAY = 20_000;
    private static final List<String> TABLES = List.of("click_hours", "click_dims", "click_visitors", "click_uniques");

    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresLinkStore links;
    private PostgresAnalyticsStore analytics;

    @BeforeEach
    void fresh() {
        pg.truncate();
        links = new PostgresLinkStore(pg.database());
        analytics = new PostgresAnalyticsStore(pg.database());
    }

    @AfterEach
    void close() {
        links.close();
    }

    private long create(String code) {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        Link draft = new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"),
                RedirectType.FOUND, null, false, null, null, List.of(), null, null, false, t, t, 0);
        return ((Insert.Inserted) links.insert(draft)).link().id();
    }

    /** One flush's worth for each link: an hour of clicks (and a HEAD), a referrer twice, a visitor and a sketch. */
    private static AnalyticsStore.Batch batch(long... ids) {
        TallyMap hours = new TallyMap(16);
        long[] keys = new long[ids.length];
        long[] hashes = new long[ids.length];
        Map<AnalyticsStore.DayKey, byte[]> sketches = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            hours.add(TallyMap.key(ids[i] * 4, DAY * 24), 3);
            hours.add(TallyMap.key(ids[i] * 4 + 2, DAY * 24), 1);
            keys[i] = TallyMap.key(ids[i], DAY);
            hashes[i] = 42 + i;
            sketches.put(new AnalyticsStore.DayKey(ids[i], DAY), new byte[] {1});
        }
        AnalyticsStore.DimCounts dims = sink -> {
            for (long id : ids) {
                sink.accept(id, DAY, Dim.REFERRER, "news.example", 2, 0);
                sink.accept(id, DAY, Dim.REFERRER, "news.example", 1, 1);
            }
        };
        return new AnalyticsStore.Batch(hours, dims, new AnalyticsStore.Visitors(keys, hashes), sketches, null);
    }

    /** Sketches here are bytes whose merge is concatenation: the stored length counts the merges. */
    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private long rows(String table, long linkId) {
        return pg.single("SELECT count(*) FROM " + table + " WHERE link_id = " + linkId);
    }

    @Test
    void countersAddUpAndSameKeysInOneBatchAreSummed() {
        long abc = create("abc123");
        analytics.write(batch(abc), PostgresAnalyticsStoreTest::concat);
        analytics.write(batch(abc), PostgresAnalyticsStoreTest::concat);

        assertThat(analytics.hours(List.of(abc), DAY * 24, DAY * 24 + 1)).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo(new Counts(6, 0, 2)));
        assertThat(analytics.hours(null, DAY * 24, DAY * 24 + 1)).singleElement()
                .satisfies(e -> assertThat(e.getValue().clicks()).isEqualTo(6));
        assertThat(analytics.top(List.of(abc), Dim.REFERRER, DAY, DAY + 1, 5))
                .containsExactly(Map.entry("news.example", new Counts(6, 2, 0)));
        List<String> seen = new ArrayList<>();
        analytics.visitors(List.of(abc), DAY, DAY + 1, (link, day, hashes, sketch) ->
                seen.add(link + "/" + day + ": " + hashes.length + " hashes, sketch of " + sketch.length));
        assertThat(seen).containsExactly(abc + "/" + DAY + ": 1 hashes, sketch of 2");
    }

    @Test
    void deletingALinkDeletesItsAnalyticsAndNoLaterWriteBringsThemBack() {
        long kept = create("kept");
        long gone = create("gone");
        analytics.write(batch(kept, gone), PostgresAnalyticsStoreTest::concat);
        for (String table : TABLES) {
            assertThat(rows(table, gone)).as(table + " before the delete").isPositive();
        }

        assertThat(links.delete(new ShortCode("gone"))).isTrue();
        for (String table : TABLES) {
            assertThat(rows(table, gone)).as(table + " after the delete").isZero();
            assertThat(rows(table, kept)).as(table + " of the other link").isPositive();
        }

        // counters of the deleted link that another node still held in memory at the delete, written after it
        analytics.write(batch(kept, gone), PostgresAnalyticsStoreTest::concat);
        for (String table : TABLES) {
            assertThat(rows(table, gone)).as(table + " after a late write").isZero();
        }
        assertThat(analytics.hours(null, DAY * 24, DAY * 24 + 1)).singleElement()
                .satisfies(e -> assertThat(e.getValue().clicks()).as("the instance's clicks").isEqualTo(6));
    }

    @Test
    void twoNodesFlushingTheSameLinkDayBothCount() throws Exception {
        long abc = create("abc123");
        int flushes = 20;
        try (PostgresDatabase secondNode = PostgresDatabase.open(pg.config());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            PostgresAnalyticsStore second = new PostgresAnalyticsStore(secondNode);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < flushes; i++) {
                AnalyticsStore node = i % 2 == 0 ? analytics : second;
                done.add(pool.submit(() -> node.write(batch(abc), PostgresAnalyticsStoreTest::concat)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(analytics.hours(List.of(abc), DAY * 24, DAY * 24 + 1)).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo(new Counts(3L * flushes, 0, flushes)));
        assertThat(pg.single("SELECT length(sketch) FROM click_uniques WHERE link_id = " + abc)).as("every sketch merged in")
                .isEqualTo(flushes);
    }

    @Test
    void visitsStreamInTheirRangeAndArePurgedByAge() {
        long abc = create("abc123");
        long def = create("def456");
        List<VisitChunk> chunks = List.of(chunk(abc, 1_000), chunk(def, 2_000), chunk(abc, 3_000));
        analytics.write(new AnalyticsStore.Batch(null, AnalyticsStore.DimCounts.NONE, AnalyticsStore.Visitors.NONE, Map.of(),
                chunks), PostgresAnalyticsStoreTest::concat);

        List<Long> at = new ArrayList<>();
        analytics.visits(List.of(abc), 0, 10_000, v -> at.add(v.atMs()));
        assertThat(at).containsExactly(1_000L, 3_000L);
        assertThat(analytics.purgeVisits(2_500)).isEqualTo(2);
        at.clear();
        analytics.visits(null, 0, 10_000, v -> at.add(v.atMs()));
        assertThat(at).containsExactly(3_000L);
    }

    @Test
    void aDaysSaltIsMadeOnceWhoeverAsks() {
        byte[] first = analytics.salt(DAY, () -> new byte[] {1, 2, 3});
        byte[] again = analytics.salt(DAY, () -> new byte[] {9, 9, 9});
        assertThat(first).containsExactly(1, 2, 3);
        assertThat(again).containsExactly(1, 2, 3);
        analytics.forgetSalts(DAY + 1);
        assertThat(analytics.salt(DAY, () -> new byte[] {7})).containsExactly(7);
    }

    private static VisitChunk chunk(long linkId, long atMs) {
        VisitChunk.Builder b = new VisitChunk.Builder();
        b.add(new Visit(linkId, atMs, null, "DE", null, null, null, null, null, null, null, null, false, true));
        return b.finish();
    }
}
