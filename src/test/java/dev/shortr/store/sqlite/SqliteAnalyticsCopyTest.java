package dev.shortr.store.sqlite;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.config.StoreConfig;
import dev.shortr.store.AnalyticsCopyContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class SqliteAnalyticsCopyTest extends AnalyticsCopyContract {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteAnalyticsStore store;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        store = new SqliteAnalyticsStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected AnalyticsStore store() {
        return store;
    }
}
