package dev.shortr.store.sqlite;

import dev.shortr.cdn.PurgeCursors;
import dev.shortr.config.StoreConfig;
import dev.shortr.store.PurgeCursorsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class SqlitePurgeCursorsTest extends PurgeCursorsContract {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqlitePurgeCursors cursors;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        cursors = new SqlitePurgeCursors(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected PurgeCursors cursors() {
        return cursors;
    }
}
