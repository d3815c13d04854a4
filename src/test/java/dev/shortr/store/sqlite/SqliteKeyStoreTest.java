package dev.shortr.store.sqlite;

import dev.shortr.auth.KeyStore;
import dev.shortr.config.StoreConfig;
import dev.shortr.store.KeyStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteKeyStoreTest extends KeyStoreContract {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteKeyStore store;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        store = new SqliteKeyStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected KeyStore store() {
        return store;
    }
}
