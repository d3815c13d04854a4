package dev.shortr.store.postgres;

import dev.shortr.store.KeyStoreContract;
import dev.shortr.auth.KeyStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresKeyStoreTest extends KeyStoreContract {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresKeyStore store;

    @BeforeEach
    void fresh() {
        pg.truncate();
        store = new PostgresKeyStore(pg.database());
    }

    @Override
    protected KeyStore store() {
        return store;
    }
}
