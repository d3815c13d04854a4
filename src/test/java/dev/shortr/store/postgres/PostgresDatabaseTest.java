package dev.shortr.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.Link;
import dev.shortr.link.RedirectType;
import dev.shortr.link.ShortCode;
import dev.shortr.link.TargetUrl;
import java.time.Instant;
import java.util.List;
import dev.shortr.link.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The pool's bounds: nothing waits longer than store.poolWait for a connection, or store.statementTimeout for a statement. */
class PostgresDatabaseTest {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    @TempDir
    Path dir;

    private static Link draft(String code) {
        Instant t = Instant.parse("2025-03-01T10:00:00Z");
        return new Link(0, new ShortCode(code), new TargetUrl("https://example.com/" + code, "example.com"), RedirectType.FOUND,
                null, false, null, null, List.of(), null, null, false, t, t, 0);
    }

    private static StoreConfig pool(StoreConfig c, int size, Duration wait, Duration statement) {
        return new StoreConfig(c.url(), c.dataDir(), c.readConnections(), c.groupCommitMax(), c.passwordFile(), size, wait, statement);
    }

    @Test
    void anExhaustedPoolAnswersWithinItsWaitNamingItsStateAndRecovers() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.open(pool(pg.config(), 1, Duration.ofMillis(300), Duration.ofSeconds(10)));
             PostgresLinkStore links = new PostgresLinkStore(db);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> hog = pool.submit(() -> db.read("hold the only connection", c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            holding.await();
            try {
                exhausted(links);
            } finally {
                release.countDown();
            }
            hog.get();
            assertThat(links.find(new ShortCode("abc123"))).isEmpty();
        }
    }

    private static void exhausted(PostgresLinkStore links) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> links.find(new ShortCode("abc123"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("find abc123").hasMessageContaining("no connection to postgres://")
                .hasMessageContaining("total=1, active=1, idle=0");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).as("bounded by store.poolWait (300 ms)").isBetween(250L, 2_000L);
        assertThatThrownBy(() -> links.insert(draft("abc123")))
                .as("creates too").isInstanceOf(StoreException.class).hasMessageContaining("no connection");
    }

    @Test
    void aStatementStuckBehindALockEndsAtTheStatementTimeout() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.open(pool(pg.config(), 2, Duration.ofSeconds(1), Duration.ofMillis(500)));
             Connection locker = pg.connect()) {
            PostgresKeyStore store = new PostgresKeyStore(db);
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
            }
            long start = System.nanoTime();
            assertThatThrownBy(store::count).isInstanceOf(StoreException.class).hasMessageContaining("count api keys")
                    .hasMessageMatching("(?s).*canceling statement due to (statement|lock) timeout.*");
            assertThat((System.nanoTime() - start) / 1_000_000).as("bounded by store.statementTimeout (500 ms)").isBetween(400L, 3_000L);
            locker.rollback();
            assertThat(store.count()).isZero();
        }
    }

    @Test
    void anUnreachableServerIsNamedWithoutItsPassword() {
        StoreConfig nowhere = pool(pg.config(), 1, Duration.ofMillis(500), Duration.ofSeconds(1)).withUrl("postgres://shortr:s3cret@127.0.0.1:1/shortr");
        long start = System.nanoTime();
        assertThatThrownBy(() -> PostgresDatabase.open(nowhere)).isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot connect to or migrate postgres://shortr:***@127.0.0.1:1/shortr")
                .hasMessageNotContaining("s3cret");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000L);
    }

    @Test
    void thePasswordComesFromItsFile() throws Exception {
        // the test server trusts local connections, so a wrong password would pass too: what is checked is that the
        // file is read (a missing one fails) and that its trailing newline is not part of the password
        Path secret = Files.writeString(dir.resolve("pg-password"), "p@ss word\n");
        StoreConfig c = pg.config();
        StoreConfig withFile = new StoreConfig(c.url(), c.dataDir(), 2, 512, secret, 1, Duration.ofSeconds(2), Duration.ofSeconds(5));
        try (PostgresDatabase db = PostgresDatabase.open(withFile)) {
            db.ping();
        }
        StoreConfig missing = new StoreConfig(c.url(), c.dataDir(), 2, 512, dir.resolve("absent"), 1, Duration.ofSeconds(2),
                Duration.ofSeconds(5));
        assertThatThrownBy(() -> PostgresDatabase.open(missing)).isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot read the password").hasMessageContaining("absent");
    }
}
