package dev.shortr.store.sqlite;

import dev.shortr.config.StoreConfig;
import dev.shortr.store.ClickStoreContract;
import dev.shortr.visit.ClickStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteClickStoreTest extends ClickStoreContract {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteClickStore store;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        store = new SqliteClickStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected ClickStore store() {
        return store;
    }
}
