package dev.shortr.store.postgres;

import dev.shortr.cdn.PurgeCursors;
import dev.shortr.store.PurgeCursorsContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresPurgeCursorsTest extends PurgeCursorsContract {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    private PostgresPurgeCursors cursors;

    @BeforeEach
    void fresh() {
        pg.truncate();
        cursors = new PostgresPurgeCursors(pg.database());
    }

    @Override
    protected PurgeCursors cursors() {
        return cursors;
    }
}
