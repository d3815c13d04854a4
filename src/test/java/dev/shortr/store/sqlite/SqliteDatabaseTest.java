package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection settings durability and speed depend on, as SQLite reports them. */
class SqliteDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void theWriterIsDurableAndTheReadersCannotWrite() {
        try (SqliteDatabase db = SqliteDatabase.open(new StoreConfig("sqlite", dir.resolve("nested/data"), 2, 8))) {
            assertThat(Files.exists(dir.resolve("nested/data/shortr.db"))).isTrue();
            assertThat(writer(db, "journal_mode")).isEqualTo("wal");
            assertThat(writer(db, "synchronous")).isEqualTo("2"); // FULL
            assertThat(writer(db, "foreign_keys")).isEqualTo("1");
            assertThat(reader(db, "journal_mode")).isEqualTo("wal");
            assertThat(reader(db, "busy_timeout")).isEqualTo("5000");
            // no mmap (mapped pages count as RSS) and a modest page cache: the OS page cache does the rest
            assertThat(writer(db, "mmap_size")).isEqualTo("0");
            assertThat(reader(db, "mmap_size")).isEqualTo("0");
            assertThat(writer(db, "cache_size")).isEqualTo("-16384");
            assertThat(reader(db, "cache_size")).isEqualTo("-8192");

            assertThatThrownBy(() -> db.read("write on a reader", s -> s.prepare("DELETE FROM links").executeUpdate()))
                    .isInstanceOf(StoreException.class).hasMessageContaining("write on a reader")
                    .hasMessageContaining("readonly");
        }
    }

    @Test
    void reopeningDoesNotMigrateAgain() {
        StoreConfig config = new StoreConfig("sqlite", dir, 1, 8);
        SqliteDatabase.open(config).close();
        try (SqliteDatabase db = SqliteDatabase.open(config)) {
            long applied = db.read("history", s -> s.single("SELECT count(*) FROM flyway_schema_history WHERE success = 1"));
            assertThat(applied).isEqualTo(10); // V1__init, V2__click_log, V3__analytics, V4__webhooks, V5__visitors, V6__link_track,
            // V7__deleted_codes, V8__click_batches, V9__link_cdn_seconds, V10__cdn_purge_cursors
        }
    }

    private static String writer(SqliteDatabase db, String pragma) {
        return db.write(pragma, s -> text(s, "PRAGMA " + pragma));
    }

    private static String reader(SqliteDatabase db, String pragma) {
        return db.read(pragma, s -> text(s, "PRAGMA " + pragma));
    }

    private static String text(Session s, String sql) throws SQLException {
        try (ResultSet rs = s.prepare(sql).executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
