package dev.shortr.store.postgres;

import dev.shortr.store.ClickStoreContract;
import dev.shortr.visit.ClickStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresClickStoreTest extends ClickStoreContract {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresClickStore store;

    @BeforeEach
    void fresh() {
        pg.truncate();
        store = new PostgresClickStore(pg.database());
    }

    @Override
    protected ClickStore store() {
        return store;
    }
}
