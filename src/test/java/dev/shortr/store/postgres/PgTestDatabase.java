package dev.shortr.store.postgres;

import dev.shortr.config.StoreConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own for one test class, on the machine's PostgreSQL: {@code shortr_test_<random>} is created
 * before the class and dropped after it.
 * <pre>
 * &#64;RegisterExtension
 * static final PgTestDatabase pg = new PgTestDatabase();
 * ... PostgresLinkStore store = new PostgresLinkStore(pg.database());   // migrated, shared by the class
 * ... pg.truncate();                                                      // empty again, feed back at 0
 * ... TestNode.start(dir, c -> with(c, pg.config()));                     // or pg.url() for a node
 * </pre>
 * The server is {@code $SHORTR_TEST_PG_SERVER} (a {@code postgres://user@host:port} URL without a database;
 * default {@value #DEFAULT_SERVER}), reached through its {@code postgres} database. When it cannot be reached the
 * class fails, saying so, unless {@code SHORTR_TEST_PG=skip}: then it is skipped, loudly. {@code ./test} starts a
 * server when none answers (scripts/services.sh).
 */
public final class PgTestDatabase implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {
    static final String DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432";
    private static final String SERVER = server();

    private final UnaryOperator<StoreConfig> tweak;
    private String name;
    private PostgresDatabase database;
    private Class<?> owner;
    /** Why this class's tests are skipped (SHORTR_TEST_PG=skip and no server), or null. */
    private String skipped;

    /** A database with the test pool settings: 4 connections, a 2 s wait, a 10 s statement timeout. */
    public PgTestDatabase() {
        this(c -> c);
    }

    /** With {@code tweak} applied to the config {@link #database()} opens with (pool settings, say). */
    public PgTestDatabase(UnaryOperator<StoreConfig> tweak) {
        this.tweak = tweak;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        if (owner != null) {
            return; // a @Nested class inherits the extension
        }
        String skip = System.getenv("SHORTR_TEST_PG");
        try (Connection admin = admin()) {
            name = "shortr_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try (Statement s = admin.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            owner = context.getRequiredTestClass();
        } catch (SQLException e) {
            String why = "PostgreSQL is not reachable at " + SERVER + " (" + e.getMessage() + ")";
            if ("skip".equals(skip)) {
                // each test is reported skipped with this reason (see evaluateExecutionCondition), so the totals show it
                skipped = "SKIPPED: " + why + ", and SHORTR_TEST_PG=skip";
                System.err.println("\n!!! " + context.getDisplayName() + " " + skipped + "\n");
                return;
            }
            throw new IllegalStateException(why + ". The PostgreSQL tests need a server: ./test starts one "
                    + "(scripts/services.sh); set SHORTR_TEST_PG_SERVER=postgres://user@host:port for another, or "
                    + "SHORTR_TEST_PG=skip to skip them (loudly)", e);
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return skipped != null && context.getTestMethod().isPresent() ? ConditionEvaluationResult.disabled(skipped)
                : ConditionEvaluationResult.enabled("PostgreSQL answers, or not yet asked");
    }

    @Override
    public void afterAll(ExtensionContext context) throws SQLException {
        if (skipped != null) {
            skipped = null;
            return;
        }
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        owner = null;
        if (database != null) {
            database.close();
            database = null;
        }
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** {@code postgres://user@host:port/shortr_test_...}: what {@code store.url} would say. */
    public String url() {
        return SERVER + "/" + name;
    }

    public String name() {
        return name;
    }

    /** A store config for this database (the data directory is only for a node's own files). */
    public StoreConfig config(Path dataDir) {
        return tweak.apply(new StoreConfig(url(), dataDir, 2, 512, null, 4, Duration.ofSeconds(2), Duration.ofSeconds(10)));
    }

    public StoreConfig config() {
        return config(Path.of("target", "pg-test-data"));
    }

    /** The class's database, opened (and migrated) on first use and closed after the class. */
    public PostgresDatabase database() {
        if (database == null) {
            database = PostgresDatabase.open(config());
        }
        return database;
    }

    /** Empties every table but Flyway's, restarts identities and puts the change feed back at 0. */
    public void truncate() {
        database(); // migrated first
        List<String> tables = new ArrayList<>();
        for (List<Object> row : rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                + "AND tablename NOT IN ('flyway_schema_history', 'change_counter')")) {
            tables.add((String) row.getFirst());
        }
        execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE", "UPDATE change_counter SET n = 0");
    }

    /** Runs statements on a connection of its own, outside the store's pool. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }

    /** Every row of {@code sql}, as lists of column values, read on a connection of its own. */
    public List<List<Object>> rows(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> out = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The one number {@code sql} answers, such as a count. */
    public long single(String sql) {
        return ((Number) rows(sql).getFirst().getFirst()).longValue();
    }

    /** A connection to this database, outside the store's pool; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect(name);
    }

    private static Connection admin() throws SQLException {
        return connect("postgres");
    }

    private static Connection connect(String database) throws SQLException {
        java.net.URI u = java.net.URI.create(SERVER);
        Properties p = new Properties();
        String info = u.getUserInfo() == null ? "postgres" : u.getUserInfo();
        int colon = info.indexOf(':');
        p.setProperty("user", colon < 0 ? info : info.substring(0, colon));
        if (colon >= 0) {
            p.setProperty("password", info.substring(colon + 1));
        }
        p.setProperty("connectTimeout", "5");
        p.setProperty("ApplicationName", "shortr-tests");
        return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort())
                + "/" + database, p);
    }

    private static String server() {
        String s = System.getenv("SHORTR_TEST_PG_SERVER");
        s = s == null || s.isBlank() ? DEFAULT_SERVER : s.strip();
        return s.toLowerCase(Locale.ROOT).startsWith("postgresql://") ? "postgres://" + s.substring("postgresql://".length()) : s;
    }
}
