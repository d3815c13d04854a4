package dev.shortr.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundTest {
    @Test
    void findsHousekeepingThreadsByTheirTruncatedNames(@TempDir Path tasks) throws IOException {
        thread(tasks, "101", "multiThreadIoEv");
        thread(tasks, "102", "click-aggregato");
        thread(tasks, "103", "C2 CompilerThre");
        thread(tasks, "104", "sqlite-writer");
        thread(tasks, "105", "click-flush");
        Files.createDirectories(tasks.resolve("106")); // a thread that ended while we looked: no comm

        assertThat(Background.housekeepingThreads(tasks)).as("not the loop or the aggregator")
                .containsExactlyInAnyOrder("103", "104", "105");
    }

    @Test
    void withoutProcThereIsNothingToChange(@TempDir Path dir) {
        assertThat(Background.housekeepingThreads(dir.resolve("absent"))).isEmpty();
        assertThat(Background.deprioritise(0)).as("0 leaves threads alone").isZero();
    }

    @Test
    void onLinuxALiveFlushThreadIsFoundAndReniced() throws Exception {
        Path self = Path.of("/proc/self/task");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(self), "needs Linux /proc");
        Thread t = Thread.ofPlatform().name("click-flush").daemon(true).start(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                // done
            }
        });
        try {
            assertThat(Background.housekeepingThreads(self)).isNotEmpty();
            assertThat(Background.deprioritise(5)).isPositive();
        } finally {
            t.interrupt();
        }
    }

    private static void thread(Path tasks, String tid, String comm) throws IOException {
        Files.createDirectories(tasks.resolve(tid));
        Files.writeString(tasks.resolve(tid).resolve("comm"), comm + "\n");
    }
}
