package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.StoreException;
import dev.shortr.link.TargetUrl;
import dev.shortr.store.memory.MemoryClickStore;
import dev.shortr.visit.ClickTally;
import dev.shortr.visit.DailyClicks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The click log behind {@link SqliteClickStore}: adds are one row each and readable at once, compaction
 * moves counts into click_days exactly, and neither a crash, a delete nor concurrency loses or doubles one.
 */
class ClickLogTest {
    private static final long ABC123 = 1;
    private static final long DEF456 = 2;
    private static final LocalDate MAR_1 = LocalDate.of(2025, 3, 1);
    private static final LocalDate MAR_2 = LocalDate.of(2025, 3, 2);
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteClickStore clicks;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private void open(int compactAt, Duration every) {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64), compactAt, every);
        clicks = new SqliteClickStore(db);
    }

    @Test
    void readsAreExactAsSoonAsAddReturnsWithNothingYetInClickDays() {
        open(1_000_000, NEVER);

        clicks.add(List.of(new ClickTally(ABC123, MAR_1, 3), new ClickTally(DEF456, MAR_1, 1)));
        clicks.add(List.of(new ClickTally(ABC123, MAR_1, 2), new ClickTally(ABC123, MAR_2, 4)));

        assertThat(rows("click_log")).isEqualTo(2);
        assertThat(rows("click_days")).isZero();
        assertThat(clicks.total(ABC123)).isEqualTo(9);
        assertThat(clicks.totals(List.of(ABC123, DEF456, 99L))).containsExactlyInAnyOrderEntriesOf(
                Map.of(ABC123, 9L, DEF456, 1L, 99L, 0L));
        assertThat(clicks.daily(ABC123, MAR_1, MAR_2)).containsExactly(new DailyClicks(MAR_1, 5), new DailyClicks(MAR_2, 4));
    }

    @Test
    void compactionKeepsEveryTotalAndDayExactAndEmptiesTheLog() {
        open(1_000_000, NEVER);
        MemoryClickStore expected = new MemoryClickStore();
        SplittableRandom random = new SplittableRandom(42);

        addRandomBatches(random, expected, 20);
        assertSameClicks(expected);
        db.clickLog().compact();

        assertThat(rows("click_log")).isZero();
        assertThat(db.clickLog().pendingTallies()).isZero();
        assertSameClicks(expected);

        // the second round lands on rows that exist: the upsert adds instead of inserting
        addRandomBatches(random, expected, 20);
        assertSameClicks(expected);
        db.clickLog().compact();
        assertThat(rows("click_log")).isZero();
        assertSameClicks(expected);
    }

    @Test
    void aCrashLeavesTheLogAndTheNextOpenFoldsItIn() throws Exception {
        open(1_000_000, NEVER);
        MemoryClickStore expected = new MemoryClickStore();
        SplittableRandom random = new SplittableRandom(3);
        addRandomBatches(random, expected, 5);
        db.clickLog().compact();
        addRandomBatches(random, expected, 5); // only in click_log and in memory

        db.closeLeavingClickLog();
        db = null;
        assertThat(rawRows("click_log")).isEqualTo(5);
        open(1_000_000, NEVER);

        assertThat(rows("click_log")).isZero();
        assertThat(db.clickLog().pendingTallies()).isZero();
        assertSameClicks(expected);
    }

    @Test
    void closingCompacts() {
        open(1_000_000, NEVER);
        clicks.add(List.of(new ClickTally(ABC123, MAR_1, 3)));

        db.close();
        db = null;
        open(1_000_000, NEVER);

        assertThat(rows("click_log")).isZero();
        assertThat(rows("click_days")).isEqualTo(1);
        assertThat(clicks.total(ABC123)).isEqualTo(3);
    }

    @Test
    void aDeletedLinksPendingClicksStayGoneThroughACrash() throws Exception {
        open(1_000_000, NEVER);
        SqliteLinkStore links = new SqliteLinkStore(db);
        long abc = insert(links, "abc123");
        long def = insert(links, "def456");
        clicks.add(List.of(new ClickTally(abc, MAR_1, 3), new ClickTally(def, MAR_1, 4)));
        db.clickLog().compact();
        clicks.add(List.of(new ClickTally(abc, MAR_1, 2), new ClickTally(abc, MAR_2, 1), new ClickTally(def, MAR_2, 1)));

        assertThat(links.delete(new ShortCode("abc123"))).isTrue();
        assertThat(clicks.total(abc)).isZero();
        assertThat(clicks.daily(abc, MAR_1, MAR_2)).isEmpty();

        db.closeLeavingClickLog();
        db = null;
        assertThat(rawRows("click_log")).isEqualTo(2); // the second add, then the delete's forget row
        open(1_000_000, NEVER);

        assertThat(clicks.total(abc)).isZero();
        assertThat(clicks.total(def)).isEqualTo(5);
        assertThat(rows("click_days")).isEqualTo(2); // def456 on both days
    }

    @Test
    void enoughPendingTalliesStartACompactionInTheBackground() throws Exception {
        open(100, NEVER);
        clicks.add(tallies(1, 150));

        awaitEmptyLog();
        assertThat(rows("click_days")).isEqualTo(150);
        assertThat(clicks.total(150)).isEqualTo(1);
    }

    @Test
    void aQuietLogIsCompactedOnTheIntervalToo() throws Exception {
        open(1_000_000, Duration.ofMillis(100));

        clicks.add(List.of(new ClickTally(ABC123, MAR_1, 3)));

        awaitEmptyLog();
        assertThat(clicks.total(ABC123)).isEqualTo(3);
    }

    @Test
    void aFailedCompactionKeepsItsCountsPendingAndTheNextOneFoldsThemIn() {
        open(100, NEVER);
        db.write("inject a fault", s -> s.prepare("CREATE TRIGGER fault BEFORE DELETE ON click_log "
                + "BEGIN SELECT RAISE(ABORT, 'injected fault'); END").execute());
        clicks.add(tallies(1, 60));

        assertThatThrownBy(() -> db.clickLog().compact()).isInstanceOf(StoreException.class).hasMessageContaining("injected fault");
        clicks.add(tallies(61, 200));

        assertThat(rows("click_days")).isZero();
        assertThat(clicks.total(1)).isEqualTo(1);
        assertThat(clicks.total(200)).isEqualTo(1);
        // memory stays bounded while compactions fail: from twice the bound on, adds are refused
        assertThatThrownBy(() -> clicks.add(tallies(201, 210))).isInstanceOf(StoreException.class)
                .hasMessageContaining("200 tallies already wait for compaction");

        db.write("clear the fault", s -> s.prepare("DROP TRIGGER fault").execute());
        db.clickLog().compact();

        assertThat(rows("click_log")).isZero();
        assertThat(rows("click_days")).isEqualTo(200);
        clicks.add(tallies(201, 210));
        assertThat(clicks.totals(List.of(1L, 200L, 210L))).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 1L, 200L, 1L, 210L, 1L));
    }

    /**
     * Adders, readers and compactions at once. Every add puts one click on HOT: a read of HOT must lie
     * between the adds acknowledged before it started and the adds started before it ended. A count seen
     * twice (in click_days and in memory) or in neither during a compaction breaks those bounds.
     */
    @Test
    void concurrentAddsReadsAndCompactionsNeverLoseOrDoubleACount() throws Exception {
        open(300, Duration.ofMillis(20)); // the background compactor joins in as well
        long hot = 7;
        int adders = 8;
        int addsEach = 150;
        AtomicLong started = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicBoolean adding = new AtomicBoolean(true);
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong reads = new AtomicLong();
        AtomicLong compactions = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> adderFutures = new ArrayList<>();
            for (int a = 0; a < adders; a++) {
                long own = 1_000 + a;
                adderFutures.add(pool.submit(() -> {
                    for (int i = 0; i < addsEach; i++) {
                        List<ClickTally> batch = new ArrayList<>();
                        batch.add(new ClickTally(hot, i % 2 == 0 ? MAR_1 : MAR_2, 1));
                        batch.add(new ClickTally(own, MAR_1, 2));
                        for (int k = 0; k < 20; k++) { // fills the maps, so size-triggered compactions run
                            batch.add(new ClickTally(10_000 + own * 1_000 + k, MAR_1, 1));
                        }
                        started.incrementAndGet();
                        clicks.add(batch);
                        acked.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int r = 0; r < 4; r++) {
                boolean one = r % 2 == 0;
                pool.submit(() -> {
                    while (adding.get()) {
                        long low = acked.get();
                        long seen = one ? clicks.total(hot) : clicks.totals(List.of(hot, 1_000L)).get(hot);
                        long high = started.get();
                        if (seen < low || seen > high) {
                            violations.add("read " + seen + " outside [" + low + ", " + high + "]");
                        }
                        reads.incrementAndGet();
                        Thread.sleep(0, 200_000); // leave the two cores of a CI box to the adders and the writer
                    }
                    return null;
                });
            }
            pool.submit(() -> {
                while (adding.get()) {
                    db.clickLog().compact();
                    compactions.incrementAndGet();
                    Thread.sleep(5);
                }
                return null;
            });
            for (Future<?> f : adderFutures) {
                f.get();
            }
            adding.set(false);
        }

        assertThat(violations).isEmpty();
        assertThat(reads.get()).isGreaterThan(100);
        assertThat(compactions.get()).isGreaterThan(5);
        long total = (long) adders * addsEach;
        assertThat(clicks.total(hot)).isEqualTo(total);
        assertThat(clicks.daily(hot, MAR_1, MAR_2)).containsExactly(new DailyClicks(MAR_1, total / 2), new DailyClicks(MAR_2, total / 2));
        for (int a = 0; a < adders; a++) {
            assertThat(clicks.total(1_000 + a)).isEqualTo(2L * addsEach);
        }
        db.clickLog().compact();
        assertThat(rows("click_log")).isZero();
        assertThat(clicks.total(hot)).isEqualTo(total);
        long stored = db.read("sum", s -> s.single("SELECT sum(clicks) FROM click_days"));
        assertThat(stored).isEqualTo(total * (1 + 2 + 20));
    }

    private static List<ClickTally> tallies(long firstLink, long lastLink) {
        return LongStream.rangeClosed(firstLink, lastLink).mapToObj(id -> new ClickTally(id, MAR_1, 1)).toList();
    }

    private void addRandomBatches(SplittableRandom random, MemoryClickStore expected, int batches) {
        for (int b = 0; b < batches; b++) {
            List<ClickTally> batch = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                batch.add(new ClickTally(random.nextLong(1, 200), MAR_1.plusDays(random.nextInt(4)), random.nextLong(1, 5)));
            }
            clicks.add(batch); // repeats within a batch add up, like across batches
            expected.add(batch);
        }
    }

    private void assertSameClicks(MemoryClickStore expected) {
        List<Long> ids = LongStream.range(0, 201).boxed().toList();
        Map<Long, Long> totals = clicks.totals(ids);
        for (long id : ids) {
            assertThat(totals.get(id)).as("totals of link %d", id).isEqualTo(expected.total(id));
            assertThat(clicks.total(id)).as("total of link %d", id).isEqualTo(expected.total(id));
            assertThat(clicks.daily(id, MAR_1, MAR_1.plusDays(3))).as("daily of link %d", id)
                    .isEqualTo(expected.daily(id, MAR_1, MAR_1.plusDays(3)));
        }
    }

    private void awaitEmptyLog() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (rows("click_log") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(rows("click_log")).as("click_log rows after 10 s").isZero();
    }

    private long rows(String table) {
        String sql = "SELECT count(*) FROM " + table;
        return db.read(sql, s -> s.single(sql));
    }

    /** Straight from the file, with the database closed. */
    private long rawRows(String table) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME));
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long insert(SqliteLinkStore links, String code) {
        Instant now = Instant.parse("2025-03-01T00:00:00Z");
        Link draft = new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"),
                RedirectType.FOUND, null, false, null, null, List.of(), null, null, false, now, now, 0);
        return ((Insert.Inserted) links.insert(draft)).link().id();
    }
}
