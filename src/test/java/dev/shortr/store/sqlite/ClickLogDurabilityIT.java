package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.StoreConfig;
import dev.shortr.visit.DailyClicks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while clicks are added and the click log is compacted: after the next open, which replays what
 * the log still holds, every acknowledged add is counted exactly once, and each add is all or nothing.
 *
 * <p>Every add puts one click on each link, so all links must have the same total. An add can commit
 * and be killed before it prints its ack, so a total may exceed the acks by up to one add per writer,
 * never by more (that would be a replay counting a compacted row again) and never fall short.
 */
class ClickLogDurabilityIT {
    private static final int ACKS_BEFORE_KILL = 300;
    private static final int ROUNDS = 3;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedAddIsCountedOnceAfterKillDashNine() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        long counted = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> acks = KillDashNine.run(dir, AddClicksUntilKilled.class, ACKS_BEFORE_KILL, data.toString());
            assertThat(acks).as("round %d acks before the kill", round).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
            try (SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", data, 2, 64))) {
                SqliteClickStore clicks = new SqliteClickStore(db);
                Map<Long, Long> totals = clicks.totals(LongStream.rangeClosed(1, AddClicksUntilKilled.LINKS).boxed().toList());

                long logRows = db.read("log", s -> s.single("SELECT count(*) FROM click_log"));
                assertThat(logRows).as("round %d: click_log rows left after open", round).isZero();
                assertThat(totals.values().stream().distinct()).as("round %d: one total for every link", round).hasSize(1);
                long total = totals.get(1L);
                assertThat(total).as("round %d: total after %d earlier and %d new acks", round, counted, acks.size())
                        .isBetween(counted + acks.size(), counted + acks.size() + AddClicksUntilKilled.WRITERS);
                List<DailyClicks> days = clicks.daily(7, AddClicksUntilKilled.FIRST_DAY,
                        AddClicksUntilKilled.FIRST_DAY.plusDays(AddClicksUntilKilled.DAYS - 1));
                assertThat(days.stream().mapToLong(DailyClicks::clicks).sum()).isEqualTo(total);
                counted = total;
            }
        }
    }
}
