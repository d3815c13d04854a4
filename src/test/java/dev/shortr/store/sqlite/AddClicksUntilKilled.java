package dev.shortr.store.sqlite;

import dev.shortr.config.StoreConfig;
import dev.shortr.visit.ClickTally;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link ClickLogDurabilityIT}: from {@link #WRITERS} virtual threads, adds batches
 * of one click on each of links 1..{@link #LINKS} and prints {@code ack <writer>} after each add has returned,
 * until it is killed. It compacts every few adds, so the kill lands in compactions as well.
 * Argument: the data directory.
 */
final class AddClicksUntilKilled {
    static final int WRITERS = 4;
    static final int LINKS = 500;
    static final LocalDate FIRST_DAY = LocalDate.of(2025, 3, 1);
    static final int DAYS = 3;

    public static void main(String[] args) throws Exception {
        SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", Path.of(args[0]), 2, 512), 3 * LINKS,
                Duration.ofMillis(20));
        SqliteClickStore clicks = new SqliteClickStore(db);
        // one write(2) per line, far below PIPE_BUF: lines never interleave and no ack waits in a buffer
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; ; n++) {
                    List<ClickTally> batch = new ArrayList<>(LINKS);
                    for (long link = 1; link <= LINKS; link++) {
                        batch.add(new ClickTally(link, FIRST_DAY.plusDays((n + link) % DAYS), 1));
                    }
                    clicks.add(batch);
                    try {
                        out.write(("ack " + writer + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return; // the parent has gone
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
