package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.StoreException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group commit itself: units share a transaction but fail alone, and close() finishes queued work. */
class SqliteWriterTest {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        db.write("create scratch table", s -> s.prepare("CREATE TABLE scratch (x INTEGER PRIMARY KEY)").execute());
    }

    @AfterEach
    void close() {
        release.countDown();
        callers.close();
        db.close();
    }

    @Test
    void aFailingUnitRollsBackAloneWhileTheRestOfItsGroupCommits() throws Exception {
        Future<Object> blocker = holdTheWriter(1);
        List<Future<Object>> good = new ArrayList<>();
        for (int x = 2; x <= 6; x++) {
            good.add(submit("insert " + x, x));
        }
        Future<Object> duplicate = submit("insert duplicate 1", 1);
        Future<Object> thrower = callers.submit(() -> db.write("insert 100 then fail", s -> {
            insert(s, 100);
            throw new IllegalStateException("the unit changed its mind");
        }));
        awaitPending(7);
        long commitsBefore = db.writer().commits();

        release.countDown();

        blocker.get();
        for (Future<Object> f : good) {
            f.get();
        }
        assertThatThrownBy(duplicate::get).cause().isInstanceOf(StoreException.class)
                .hasMessageContaining("insert duplicate 1").hasMessageContaining("UNIQUE");
        assertThatThrownBy(thrower::get).cause().isInstanceOf(IllegalStateException.class);
        assertThat(scratch()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        // the blocker's group, then everything queued behind it in one more
        assertThat(db.writer().commits()).isEqualTo(commitsBefore + 2);
    }

    @Test
    void closeCommitsWhatIsAlreadyQueued() throws Exception {
        Future<Object> blocker = holdTheWriter(1);
        List<Future<Object>> queued = new ArrayList<>();
        for (int x = 2; x <= 11; x++) {
            queued.add(submit("insert " + x, x));
        }
        awaitPending(10);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(db::close, callers);
        release.countDown();
        closing.get();

        blocker.get();
        for (Future<Object> f : queued) {
            f.get();
        }
        assertThatThrownBy(() -> db.write("too late", s -> 0)).isInstanceOf(StoreException.class)
                .hasMessageContaining("too late").hasMessageContaining("closed");
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 1, 64));
        assertThat(scratch()).hasSize(11);
    }

    @Test
    void afterCommitStepsRunInCommitOrderBeforeTheCallerReturnsAndHearOfRollbacks() throws Exception {
        List<String> heard = java.util.Collections.synchronizedList(new ArrayList<>());
        Future<Object> blocker = holdTheWriter(1);
        Future<Object> good = callers.submit(() -> db.write("insert 2", s -> insert(s, 2), hear(heard, "2")));
        awaitPending(1);
        Future<Object> bad = callers.submit(() -> db.write("insert duplicate 1", s -> insert(s, 1), hear(heard, "dup")));
        awaitPending(2);

        release.countDown();

        blocker.get();
        assertThat(good.get()).isEqualTo(1);
        assertThatThrownBy(bad::get).cause().hasMessageContaining("UNIQUE");
        assertThat(heard).containsExactly("2 committed 1", "dup rolled back");
    }

    @Test
    void aUnitSubmittedAloneGetsATransactionOfItsOwn() throws Exception {
        Future<Object> blocker = holdTheWriter(1);
        List<Future<Object>> queued = new ArrayList<>();
        queued.add(submit("insert 2", 2));
        queued.add(submit("insert 3", 3));
        awaitPending(2);
        queued.add(callers.submit(() -> db.writer().submitAlone("insert 4 alone", s -> insert(s, 4), n -> {})));
        awaitPending(3);
        queued.add(submit("insert 5", 5));
        awaitPending(4);
        long commitsBefore = db.writer().commits();

        release.countDown();

        blocker.get();
        for (Future<Object> f : queued) {
            f.get();
        }
        assertThat(scratch()).containsExactly(1L, 2L, 3L, 4L, 5L);
        // the blocker's group, then 2 and 3, then 4 alone, then 5
        assertThat(db.writer().commits()).isEqualTo(commitsBefore + 4);
    }

    private static Writer.AfterCommit<Object> hear(List<String> heard, String who) {
        return new Writer.AfterCommit<>() {
            @Override
            public void committed(Object result) {
                heard.add(who + " committed " + result);
            }

            @Override
            public void rolledBack() {
                heard.add(who + " rolled back");
            }
        };
    }

    private Future<Object> holdTheWriter(int x) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Future<Object> f = callers.submit(() -> db.write("blocker", s -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return insert(s, x);
        }));
        running.await();
        return f;
    }

    private Future<Object> submit(String what, long x) {
        return callers.submit(() -> db.write(what, s -> insert(s, x)));
    }

    private void awaitPending(int n) throws InterruptedException {
        while (db.writer().pending() < n) {
            Thread.sleep(5);
        }
    }

    private static Object insert(Session s, long x) throws SQLException {
        PreparedStatement insert = s.prepare("INSERT INTO scratch (x) VALUES (?)");
        insert.setLong(1, x);
        return insert.executeUpdate();
    }

    private List<Long> scratch() {
        return db.read("scratch", s -> {
            try (ResultSet rs = s.prepare("SELECT x FROM scratch ORDER BY x").executeQuery()) {
                List<Long> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
                return out;
            }
        });
    }
}
