package dev.shortr.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.link.Change;
import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import dev.shortr.link.StoreException;
import dev.shortr.store.LinkStoreContract;
import dev.shortr.visit.ClickTally;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLinkStoreTest extends LinkStoreContract {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresLinkStore store;

    @BeforeEach
    void fresh() {
        pg.truncate();
        store = new PostgresLinkStore(pg.database());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Override
    protected LinkStore store() {
        return store;
    }

    private Link inserted(Link draft) {
        return ((Insert.Inserted) store.insert(draft)).link();
    }

    @Test
    void deletingALinkDeletesItsTagsAndClicks() {
        Link abc = inserted(link("abc123", "https://example.com/a", T0, List.of("news", "sport"), null, null));
        PostgresClickStore clicks = new PostgresClickStore(pg.database());
        clicks.add(List.of(new ClickTally(abc.id(), LocalDate.of(2025, 3, 1), 5)));

        assertThat(store.delete(new ShortCode("abc123"))).isTrue();

        assertThat(clicks.total(abc.id())).isZero();
        assertThat(pg.single("SELECT count(*) FROM link_tags")).isZero();
        assertThat(pg.single("SELECT count(*) FROM click_days")).isZero();
    }

    @Test
    void anAcknowledgedCreateIsCommittedForEveryConnection() throws Exception {
        Link abc = inserted(link("abc123", "https://example.com/a"));

        try (Connection other = pg.connect(); PreparedStatement q = other.prepareStatement("SELECT l.id, v.seq FROM links l JOIN link_seqs v ON v.link_id = l.id WHERE l.code = ?")) {
            q.setString(1, "abc123");
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).as("visible outside the store's pool as soon as insert returned").isTrue();
                assertThat(rs.getLong(1)).isEqualTo(abc.id());
                assertThat(rs.getLong(2)).isEqualTo(abc.seq());
            }
        }
    }

    @Test
    void linksSurviveAnotherNodeOrARestart() {
        Link abc = inserted(link("abc123", "https://example.com/a", T0, List.of("news"), "Title", "key1"));

        try (PostgresDatabase otherNode = PostgresDatabase.open(pg.config()); PostgresLinkStore other = new PostgresLinkStore(otherNode)) {
            assertThat(other.find(new ShortCode("abc123"))).contains(abc);
            assertThat(other.lastSeq()).isEqualTo(abc.seq());
            Link def = ((Insert.Inserted) other.insert(link("def456", "https://example.com/d"))).link();
            assertThat(def.seq()).isEqualTo(abc.seq() + 1);
        }
        assertThat(store.changesAfter(0, 10)).extracting(Change::seq).containsExactly(1L, 2L);
    }

    @Test
    void insertAllIsOneTransaction() {
        List<Link> drafts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            drafts.add(link("bulk" + i, "https://example.com/" + i, T0, i % 3 == 0 ? List.of("a", "b") : List.of(), null, "key1"));
        }

        List<Insert> results = store.insertAll(drafts);

        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Insert.Inserted.class));
        assertThat(pg.single("SELECT count(DISTINCT xmin::text) FROM links")).as("transactions that wrote links").isEqualTo(1);
        assertThat(pg.single("SELECT count(DISTINCT xmin::text) FROM changes")).isEqualTo(1);
        assertThat(pg.single("SELECT count(*) FROM link_tags")).isEqualTo(2 * 334);
        assertThat(results).extracting(r -> ((Insert.Inserted) r).link().seq())
                .as("numbered in draft order").isSorted().startsWith(1L).endsWith(1000L);
        assertThat(store.find(new ShortCode("bulk999")).orElseThrow().tags()).containsExactly("a", "b");
    }

    @Test
    void concurrentCreatesShareCommits() throws Exception {
        int clients = 64;
        int each = 10;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int client = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        assertThat(store.insert(link("c" + client + "n" + i, "https://example.com/" + i))).isInstanceOf(Insert.Inserted.class);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(store.count()).isEqualTo(clients * each);
        assertThat(pg.single("SELECT count(DISTINCT xmin::text) FROM links")).as("transactions for %d creates", clients * each)
                .isLessThan(clients * each / 2);
    }

    /**
     * Two nodes (two pools) mutate at once while a reader follows the feed as an edge would: every poll must
     * continue exactly where the last one stopped. Had seq N+1 been visible before N committed, the reader would
     * have moved past N and found it later (or never).
     */
    @Test
    void theFeedIsReadInCommitOrderWhileTwoNodesWrite() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Change> seen = new ArrayList<>();
        try (PostgresDatabase secondNode = PostgresDatabase.open(pg.config());
             PostgresLinkStore second = new PostgresLinkStore(secondNode);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                LinkStore node = w % 2 == 0 ? store : second;
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String c = "w" + writer + "n" + i;
                        node.insert(link(c, "https://example.com/" + c));
                        if (i % 2 == 0) {
                            node.update(new ShortCode(c), l -> l);
                        }
                        if (i % 5 == 0) {
                            node.delete(new ShortCode(c));
                        }
                    }
                    return null;
                }));
            }
            Future<?> reader = pool.submit(() -> {
                long cursor = 0;
                while (true) {
                    boolean last = !writing.get();
                    List<Change> batch = store.changesAfter(cursor, 50);
                    for (Change ch : batch) {
                        assertThat(ch.seq()).as("the change after %d", cursor).isEqualTo(cursor + 1);
                        cursor = ch.seq();
                        seen.add(ch);
                    }
                    if (last && batch.isEmpty()) {
                        return null;
                    }
                    if (batch.isEmpty()) {
                        Thread.sleep(1);
                    }
                }
            });
            for (Future<?> f : writers) {
                f.get();
            }
            writing.set(false);
            reader.get();
        }
        int mutations = 8 * (40 + 20 + 8);
        assertThat(seen).hasSize(mutations);
        assertThat(store.lastSeq()).isEqualTo(mutations);
    }

    /**
     * A copy restores batches of 1000 into a table that grows: each batch must cost about the same. The generic plan
     * of the code lookup once probed the trigram index, reading its growing pending list per code (3 s a batch at
     * 10,000 links, 9 minutes for 100,000).
     */
    @Test
    void restoringBatchesCostsTheSameAsTheTableGrows() {
        long slowest = 0;
        for (int b = 0; b < 15; b++) {
            List<Link> batch = new ArrayList<>();
            for (int i = b * 1000 + 1; i <= (b + 1) * 1000; i++) {
                Link l = link("r" + i, "https://example.com/p/" + i);
                batch.add(new Link(i, l.code(), l.target(), l.redirect(), null, false, null, null, List.of(), null, null, false,
                        T0, T0, i, true));
            }
            long start = System.nanoTime();
            store.restoreLinks(batch);
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (b >= 10) {
                slowest = Math.max(slowest, ms);
            }
        }

        assertThat(store.count()).isEqualTo(15_000);
        assertThat(slowest).as("ms for the slowest of the last five batches of 1000").isLessThan(1000);
    }

    @Test
    void aClosedStoreFailsWithContext() {
        try (PostgresDatabase db = PostgresDatabase.open(pg.config())) {
            PostgresLinkStore closing = new PostgresLinkStore(db);
            closing.close();
            db.close();

            assertThatThrownBy(() -> closing.insert(link("abc123", "https://example.com/a")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("insert abc123").hasMessageContaining("closed");
            assertThatThrownBy(() -> closing.find(new ShortCode("abc123")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("closed");
            assertThatThrownBy(closing::ping).isInstanceOf(StoreException.class);
        }
    }
}
