package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.ShortCode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a stream of concurrent inserts loses nothing that was acknowledged.
 *
 * <p>What it can catch: an ack sent before the row reached the OS, since SIGKILL drops exactly what the
 * process had not yet written. A writer that completed each future as its unit ran (before the group's
 * COMMIT) fails in almost every round; one that completed them all just before COMMIT leaves a window of
 * microseconds (ack to WAL write) and was caught in about one round in four, hence several rounds.
 * What it cannot catch: synchronous=OFF or NORMAL. The OS keeps what a killed process wrote, so only a power
 * cut or a VM reset tells FULL apart; {@code SqliteDatabaseTest} pins the pragma instead.
 */
class SqliteDurabilityIT {
    private static final int ACKS_BEFORE_KILL = 2000;
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedInsertSurvivesKillDashNine() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        List<String> acked = new ArrayList<>();
        // each round starts from the database as recovered after the previous kill
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> acks = runAndKill(data, "w" + round + "x");
            assertThat(acks).as("round %d acks before the kill", round).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
            acked.addAll(acks);
            try (SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", data, 2, 64))) {
                SqliteLinkStore links = new SqliteLinkStore(db);
                List<String> lost = acked.stream().filter(code -> links.find(new ShortCode(code)).isEmpty()).toList();
                assertThat(lost).as("round %d: acknowledged but lost, of %d acked", round, acked.size()).isEmpty();
                assertThat(links.count()).isGreaterThanOrEqualTo(acked.size());
            }
        }
    }

    /** Starts the child, collects its acks until there are enough, SIGKILLs it and returns every ack it sent. */
    private List<String> runAndKill(Path data, String prefix) throws Exception {
        Path stderr = dir.resolve("child-stderr-" + prefix + ".txt");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath(), InsertUntilKilled.class.getName(),
                data.toString(), prefix)
                .redirectError(stderr.toFile())
                .start();
        // a child that hangs must not hang the build: after this it is killed and the count fails
        CompletableFuture.delayedExecutor(90, TimeUnit.SECONDS).execute(() -> child.toHandle().destroyForcibly());

        List<String> acked = new ArrayList<>();
        try (InputStream in = child.getInputStream()) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != '\n') {
                        line.write(buf[i]);
                        continue;
                    }
                    String s = line.toString(StandardCharsets.US_ASCII);
                    line.reset();
                    if (s.startsWith("ack ")) {
                        acked.add(s.substring(4));
                    }
                }
                if (acked.size() >= ACKS_BEFORE_KILL && child.isAlive()) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe,
                    // dropping acks the child wrote just before dying
                    child.toHandle().destroyForcibly();
                }
            }
            // a line cut short by the kill (no newline) was never a complete ack and is ignored
        } finally {
            child.toHandle().destroyForcibly();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed, not exited; child stderr: %s", Files.readString(stderr))
                .isEqualTo(128 + 9);
        return acked;
    }

    /** Surefire may hide the real class path behind a manifest-only jar; prefer the one it publishes. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
