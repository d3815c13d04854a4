package dev.shortr.store.postgres;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable single-link inserts per second on PostgreSQL, with 1 and with 64 concurrent writers (virtual threads), each
 * waiting for its own commit, and how many transactions they took. Not a test; run it by hand against an empty
 * database: {@code java -cp target/test-classes:target/classes:<deps> dev.shortr.store.postgres.InsertRate URL [seconds]}.
 */
final class InsertRate {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        StoreConfig config = new StoreConfig(url, Path.of("target"), 2, 512, null, 10, Duration.ofSeconds(2), Duration.ofSeconds(30));
        try (PostgresDatabase db = PostgresDatabase.open(config); PostgresLinkStore links = new PostgresLinkStore(db)) {
            for (int writers : new int[] {1, 64, 1, 64}) {
                long before = transactions(db);
                double rate = run(links, writers, seconds);
                long commits = transactions(db) - before;
                System.out.printf("%2d writers: %,8.0f inserts/s  (%,d transactions, %.1f inserts per transaction)%n",
                        writers, rate, commits, rate * seconds / commits);
            }
            System.out.printf("links stored: %,d%n", links.count());
        }
    }

    /** Transactions that wrote links so far, counted by the distinct xmin of their rows. */
    private static long transactions(PostgresDatabase db) {
        return db.read("transactions", c -> {
            try (var s = c.prepareStatement("SELECT count(DISTINCT xmin::text) FROM links"); var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static double run(PostgresLinkStore links, int writers, int seconds) throws InterruptedException {
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
