package dev.shortr.migrate;

import dev.shortr.app.Stores;
import dev.shortr.store.postgres.PgTestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every case of {@link MigrationTest}, from SQLite into PostgreSQL. */
class MigrationToPostgresTest extends MigrationTest {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();

    @Override
    Stores openTarget() {
        return Stores.open(pg.config(dir));
    }

    /** The class shares one database, created empty. */
    @AfterEach
    void empty() {
        pg.truncate();
    }

    @Override
    int tamper(String sql) throws Exception {
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }
}
