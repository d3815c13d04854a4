package dev.shortr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.store.postgres.PgTestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code shortr keys} on a PostgreSQL store, chosen with {@code --store} or {@code SHORTR_STORE}: how a cluster's first key is made. */
class KeysOnPostgresTest {
    @RegisterExtension
    static final PgTestDatabase pg = new PgTestDatabase();
    @TempDir
    Path dir;

    private static String[] run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out), new PrintWriter(err), env);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void aKeyMintedWithStoreIsListedThroughTheEnvironment() {
        String data = dir.toString();
        String[] created = run(Map.of(), "keys", "create", "--store", pg.url(), "--data", data, "--name", "first admin", "--scopes", "admin");
        assertThat(created[0]).as("exit; stderr: %s", created[2]).isEqualTo("0");
        assertThat(created[1]).matches("sk_\\S+\n");

        String[] listed = run(Map.of("SHORTR_STORE", pg.url(), "SHORTR_DATA_DIR", data), "keys", "list");
        assertThat(listed[0]).isEqualTo("0");
        assertThat(listed[1]).contains("first admin", "admin", created[1].substring(0, 11));
        assertThat(pg.single("SELECT count(*) FROM api_keys")).as("in PostgreSQL, not in a SQLite file").isEqualTo(1);
        assertThat(dir.resolve("shortr.db")).doesNotExist();
    }

    @Test
    void aBadStoreUrlIsAConfigProblem() {
        String[] r = run(Map.of(), "keys", "list", "--store", "postgres://admin:hunter2@db.internal");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2]).isEqualTo("config: store.url: 'postgres://admin:***@db.internal' names no database "
                + "(postgres://user@host:port/database) (command line)\n");
    }
}
