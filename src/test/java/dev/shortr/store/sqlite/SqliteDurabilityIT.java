package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.ShortCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        return KillDashNine.run(dir, InsertUntilKilled.class, ACKS_BEFORE_KILL, data.toString(), prefix);
    }
}
