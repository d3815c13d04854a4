package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.Link;
import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import dev.shortr.link.StoreException;
import dev.shortr.store.LinkStoreContract;
import dev.shortr.visit.ClickTally;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLinkStoreTest extends LinkStoreContract {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteLinkStore store;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(config());
        store = new SqliteLinkStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected LinkStore store() {
        return store;
    }

    private StoreConfig config() {
        return new StoreConfig("sqlite", dir, 2, 64);
    }

    @Test
    void deletingALinkDeletesItsTagsAndClicks() {
        Link abc = ((dev.shortr.link.Insert.Inserted) store.insert(
                link("abc123", "https://example.com/a", T0, List.of("news", "sport"), null, null))).link();
        SqliteClickStore clicks = new SqliteClickStore(db);
        clicks.add(List.of(new ClickTally(abc.id(), LocalDate.of(2025, 3, 1), 5)));

        assertThat(store.delete(new ShortCode("abc123"))).isTrue();

        assertThat(clicks.total(abc.id())).isZero();
        assertThat(rows("SELECT count(*) FROM link_tags")).isZero();
        assertThat(rows("SELECT count(*) FROM click_days")).isZero();
    }

    @Test
    void linksSurviveAReopen() {
        Link abc = ((dev.shortr.link.Insert.Inserted) store.insert(
                link("abc123", "https://example.com/a", T0, List.of("news"), "Title", "key1"))).link();
        db.close();

        db = SqliteDatabase.open(config());
        store = new SqliteLinkStore(db);

        assertThat(store.find(new ShortCode("abc123"))).contains(abc);
        assertThat(store.lastSeq()).isEqualTo(abc.seq());
        assertThat(db.file()).isEqualTo(dir.resolve("shortr.db").toAbsolutePath());
    }

    @Test
    void aClosedStoreFailsWithContext() {
        db.close();

        assertThatThrownBy(() -> store.insert(link("abc123", "https://example.com/a")))
                .isInstanceOf(StoreException.class).hasMessageContaining("insert abc123").hasMessageContaining("closed");
        assertThatThrownBy(() -> store.find(new ShortCode("abc123")))
                .isInstanceOf(StoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(store::ping).isInstanceOf(StoreException.class);
    }

    @Test
    void hotQueriesUseTheirIndexes() {
        assertThat(plan(LinkRows.FIND)).contains("(code=?)").doesNotContain("SCAN");
        assertThat(plan(SqliteLinkStore.BY_TARGET)).contains("links_owner_target").doesNotContain("SCAN")
                .doesNotContain("TEMP B-TREE FOR ORDER BY"); // newest first comes free with the index
        assertThat(plan("SELECT link_id FROM link_tags WHERE tag = ?")).contains("link_tags_tag");
    }

    private long rows(String sql) {
        return db.read(sql, s -> s.single(sql));
    }

    private String plan(String sql) {
        return db.read("plan", s -> {
            PreparedStatement explain = s.prepare("EXPLAIN QUERY PLAN " + sql);
            for (int i = 1; i <= explain.getParameterMetaData().getParameterCount(); i++) {
                explain.setString(i, "x");
            }
            StringBuilder out = new StringBuilder();
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(4)).append('\n');
                }
            }
            return out.toString();
        });
    }
}
