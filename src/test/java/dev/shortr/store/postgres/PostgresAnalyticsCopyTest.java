package dev.shortr.store.postgres;

import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.store.AnalyticsCopyContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresAnalyticsCopyTest extends AnalyticsCopyContract {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresAnalyticsStore store;

    @BeforeEach
    void fresh() {
        pg.truncate();
        store = new PostgresAnalyticsStore(pg.database());
    }

    @Override
    protected AnalyticsStore store() {
        return store;
    }
}
