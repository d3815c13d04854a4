package dev.shortr.store.sqlite;

import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.TallyMap;
import dev.shortr.config.StoreConfig;
import dev.shortr.visit.ClickTally;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the click log costs: {@code add} per tally for batches of distinct tallies spread over a million
 * links (the redirect benchmark's shape), against the old one-upsert-per-tally add, and compaction per
 * distinct tally, first into an empty click_days and then onto existing rows. Not a test; run it by hand
 * (pinned to one core, as the benchmark pins the JVM):
 * {@code taskset -c 1 java -cp target/test-classes:target/classes:<deps> dev.shortr.store.sqlite.ClickLogRate [batches] [dir]}.
 */
final class ClickLogRate {
    private static final int BATCH = 50_000;
    private static final int LINKS = 1_000_000;
    private static final LocalDate TODAY = LocalDate.of(2025, 3, 1);
    private static final String UPSERT = "INSERT INTO click_days (link_id, day, clicks) VALUES (?, ?, ?) "
            + "ON CONFLICT (link_id, day) DO UPDATE SET clicks = clicks + excluded.clicks";

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("shortr-click-log-rate");
        SplittableRandom random = new SplittableRandom(1);
        try (SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 512), Integer.MAX_VALUE / 4,
                Duration.ofDays(1))) {
            SqliteClickStore clicks = new SqliteClickStore(db);
            ClickLog log = db.clickLog();
            warmUp(clicks, log, random);

            for (int round = 1; round <= 2; round++) {
                long encode = 0;
                long add = 0;
                for (int b = 0; b < batches; b++) {
                    List<ClickTally> batch = distinctTallies(random);
                    long t0 = System.nanoTime();
                    TallyBlob.tallies(ClickTallies.of(batch).keys(), ClickTallies.of(batch).counts());
                    long t1 = System.nanoTime();
                    clicks.add(batch);
                    long t2 = System.nanoTime();
                    encode += t1 - t0;
                    add += t2 - t1;
                }
                int pending = log.pendingTallies();
                long t0 = System.nanoTime();
                log.compact();
                long compact = System.nanoTime() - t0;
                long rows = db.read("rows", s -> s.single("SELECT count(*) FROM click_days"));
                System.out.printf("round %d: add %.3f us/tally (of which sort+encode %.3f), %d batches of %,d%n", round,
                        add / 1e3 / batches / BATCH, encode / 1e3 / batches / BATCH, batches, BATCH);
                System.out.printf("         compaction of %,d distinct tallies: %,.0f ms, %.2f us/tally (click_days now %,d rows)%n",
                        pending, compact / 1e6, compact / 1e3 / pending, rows);
            }

            List<ClickTally> batch = distinctTallies(random);
            long t0 = System.nanoTime();
            db.write("old add", s -> {
                PreparedStatement up = s.prepare(UPSERT);
                for (ClickTally t : batch) {
                    up.setLong(1, t.linkId());
                    up.setString(2, t.day().toString());
                    up.setLong(3, t.clicks());
                    up.executeUpdate();
                }
                return null;
            });
            long old = System.nanoTime() - t0;
            System.out.printf("old add (one upsert per tally, generated keys off): %.3f us/tally%n", old / 1e3 / BATCH);
        }
    }

    private static void warmUp(SqliteClickStore clicks, ClickLog log, SplittableRandom random) {
        for (int i = 0; i < 5; i++) {
            clicks.add(distinctTallies(random));
            ClickTallies.of(distinctTallies(random));
        }
        log.compact();
    }

    private static List<ClickTally> distinctTallies(SplittableRandom random) {
        TallyMap seen = new TallyMap(BATCH);
        List<ClickTally> out = new ArrayList<>(BATCH);
        while (out.size() < BATCH) {
            long link = random.nextLong(1, LINKS + 1);
            if (seen.get(TallyMap.key(link, TODAY.toEpochDay())) == 0) {
                seen.add(TallyMap.key(link, TODAY.toEpochDay()), 1);
                out.add(new ClickTally(link, TODAY, 1 + random.nextInt(2)));
            }
        }
        return out;
    }
}
