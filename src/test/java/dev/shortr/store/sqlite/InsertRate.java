package dev.shortr.store.sqlite;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable single-link inserts per second, with 1 and with 64 concurrent writers (virtual threads), each
 * writer waiting for its own commit. Not a test; run it by hand:
 * {@code java -cp target/test-classes:target/classes:<deps> dev.shortr.store.sqlite.InsertRate [seconds] [dir]}.
 */
final class InsertRate {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("shortr-insert-rate");
        try (SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 4, 512))) {
            SqliteLinkStore links = new SqliteLinkStore(db);
            for (int writers : new int[] {1, 64, 1, 64}) {
                long commitsBefore = db.writer().commits();
                long unitsBefore = db.writer().units();
                double rate = run(links, writers, seconds);
                long commits = db.writer().commits() - commitsBefore;
                long units = db.writer().units() - unitsBefore;
                System.out.printf("%2d writers: %,8.0f inserts/s  (%,d commits, %.1f inserts per commit, %.2f ms per commit)%n",
                        writers, rate, commits, (double) units / commits, seconds * 1000.0 / commits);
            }
            System.out.printf("links stored: %,d in %s%n", links.count(), db.file());
        }
    }

    private static double run(SqliteLinkStore links, int writers, int seconds) throws InterruptedException {
        LongAdder done = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String run = Long.toString(System.nanoTime(), 36);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            String prefix = run + "-" + w + "-";
            threads.add(Thread.ofVirtual().start(() -> {
                for (long n = 0; System.nanoTime() < end; n++) {
                    String code = prefix + n;
                    Instant now = Instant.now();
                    Link draft = new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"),
                            RedirectType.FOUND, null, false, null, null, List.of(), null, null, false, now, now, 0);
                    if (links.insert(draft) instanceof Insert.Inserted) {
                        done.increment();
                    }
                }
            }));
        }
        long started = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        return done.sum() / ((System.nanoTime() - started) / 1e9);
    }
}
