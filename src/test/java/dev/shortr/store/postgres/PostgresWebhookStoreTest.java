package dev.shortr.store.postgres;

import dev.shortr.store.WebhookStoreContract;
import dev.shortr.webhook.WebhookStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresWebhookStoreTest extends WebhookStoreContract {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresWebhookStore store;

    @BeforeEach
    void fresh() {
        pg.truncate();
        store = new PostgresWebhookStore(pg.database());
    }

    @Override
    protected WebhookStore store() {
        return store;
    }
}
