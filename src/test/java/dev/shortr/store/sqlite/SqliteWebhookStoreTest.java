package dev.shortr.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.config.StoreConfig;
import dev.shortr.store.WebhookStoreContract;
import dev.shortr.webhook.WebhookStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteWebhookStoreTest extends WebhookStoreContract {
    @TempDir
    Path dir;
    private SqliteDatabase db;
    private SqliteWebhookStore store;

    @BeforeEach
    void open() {
        db = SqliteDatabase.open(new StoreConfig("sqlite", dir, 2, 64));
        store = new SqliteWebhookStore(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected WebhookStore store() {
        return store;
    }

    @Test
    void theQueriesTheWorkerRunsOftenUseTheirIndexes() {
        String due = plan("SELECT d.next_attempt_at FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id "
                + "WHERE d.state = 'pending' AND e.enabled = 1 ORDER BY d.next_attempt_at LIMIT 1");
        assertThat(due).contains("webhook_deliveries_due").doesNotContain("TEMP B-TREE");
        String log = plan("SELECT d.id FROM webhook_deliveries d WHERE d.endpoint_id = 'wh_abc123' AND d.id < 100 ORDER BY d.id DESC LIMIT 10");
        assertThat(log).contains("webhook_deliveries_endpoint").doesNotContain("TEMP B-TREE");
    }

    private String plan(String sql) {
        return db.read("plan", s -> {
            StringBuilder out = new StringBuilder();
            try (var rs = s.prepare("EXPLAIN QUERY PLAN " + sql).executeQuery()) {
                while (rs.next()) {
                    out.append(rs.getString(4)).append('\n');
                }
            }
            return out.toString();
        });
    }
}
