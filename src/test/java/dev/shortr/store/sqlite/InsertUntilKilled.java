package dev.shortr.store.sqlite;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link SqliteDurabilityIT}: inserts links from 32 virtual threads as fast as it can
 * and prints {@code ack <code>} for each one, only after {@code insert} has returned, until it is killed.
 * Arguments: the data directory and a code prefix unique to this run.
 */
final class InsertUntilKilled {
    static final int WRITERS = 32;

    public static void main(String[] args) throws Exception {
        SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", Path.of(args[0]), 2, 512));
        SqliteLinkStore links = new SqliteLinkStore(db);
        // unbuffered, and each line is one write(2) of far less than PIPE_BUF bytes, which POSIX makes
        // atomic on a pipe: lines from different threads never interleave, and no ack sits in a buffer
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (long n = 0; ; n++) {
                    String code = args[1] + writer + "n" + n;
                    Instant now = Instant.now();
                    Link draft = new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"),
                            RedirectType.FOUND, null, false, null, null, List.of("durable"), null, null, false, now, now, 0);
                    if (links.insert(draft) instanceof Insert.Inserted) {
                        try {
                            out.write(("ack " + code + "\n").getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            return; // the parent has gone
                        }
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
