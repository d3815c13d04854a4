package dev.shortr.it;

import static dev.shortr.it.MigrateIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.Stores;
import dev.shortr.config.ShortrConfig;
import dev.shortr.config.StoreConfig;
import dev.shortr.migrate.StoreFixture;
import dev.shortr.store.postgres.PgTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shortr migrate --from sqlite:DIR --to postgres://...}: a node's data directory copied into PostgreSQL and
 * served from there by a node on PostgreSQL; a copy killed midway, found incomplete by {@code --verify-only}, and
 * finished by running it again.
 */
class MigrateToPostgresIT {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();

    @TempDir
    Path dir;

    @BeforeEach
    void empty() {
        pg.truncate(); // the class shares one database
    }

    private ShortrConfig onPostgres(Path data) {
        ShortrConfig c = TestNode.config(data);
        return new ShortrConfig(c.server(), pg.config(data), c.links(), c.redirect(), c.clicks(), c.auth(), c.rateLimit(),
                c.webhooks(), c.tls(), c.redis());
    }

    @Test
    void aNodeOnPostgresServesTheCopyOfASqliteNode() throws Exception {
        Path a = dir.resolve("a");
        MigrateIT.Original o = MigrateIT.original(a);

        MigrateIT.Run run = cli("migrate", "--from", "sqlite:" + a, "--to", pg.url(), "--batch", "3");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().skip(1).toList()).hasSize(6).allSatisfy(l -> assertThat(l).endsWith("ok"));
        assertThat(run.err()).startsWith("copied 2 keys, 11 links");
        assertThat(pg.single("SELECT count(*) FROM links")).isEqualTo(11);
        try (TestNode copy = TestNode.start(onPostgres(dir.resolve("node")), o.adminKey())) {
            MigrateIT.assertServes(copy, o);
        }
        assertThat(cli("migrate", "--from", "sqlite:" + a, "--to", pg.url(), "--verify-only").out())
                .as("the node wrote to the copy since").contains("DIFFERS");
    }

    @Test
    void aCopyKilledMidwayIsFinishedByRunningItAgain() throws Exception {
        Path a = dir.resolve("a");
        try (Stores s = Stores.open(new StoreConfig("sqlite", a, 2, 512))) {
            StoreFixture.populate(s, 1500);
        }
        Path stderr = dir.resolve("child.err");
        Process child = MigrateIT.shortr(stderr, "migrate", "--from", "sqlite:" + a, "--to", pg.url(), "--batch", "1");
        try {
            long copied = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (copied < 50 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                copied = links();
            }
            assertThat(child.isAlive()).as("still copying after %d links; stderr: %s", copied, Files.readString(stderr)).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: the connection drops mid-transaction, which the server rolls back
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).isEqualTo(128 + 9);

        MigrateIT.Run half = cli("migrate", "--from", "sqlite:" + a, "--to", pg.url(), "--verify-only");
        assertThat(half.exit()).as("the killed copy is incomplete").isEqualTo(1);
        assertThat(half.err()).contains("verification failed: ").contains("links (");

        MigrateIT.Run rest = cli("migrate", "--from", "sqlite:" + a, "--to", pg.url());

        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(rest.err()).contains("links: resuming after ");
        assertThat(rest.out()).doesNotContain("DIFFERS");
        MigrateIT.Run verified = cli("migrate", "--from", "sqlite:" + a, "--to", pg.url(), "--verify-only");
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(verified.out().lines().skip(1).toList()).hasSize(6).allSatisfy(l -> assertThat(l).endsWith("ok"));
    }

    /** Links in the database the child writes; 0 before it has migrated the schema. */
    private static long links() {
        try {
            return pg.single("SELECT count(*) FROM links");
        } catch (IllegalStateException e) {
            return 0;
        }
    }
}
