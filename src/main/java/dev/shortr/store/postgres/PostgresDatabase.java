package dev.shortr.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import dev.shortr.config.PostgresUrl;
import dev.shortr.config.StoreConfig;
import dev.shortr.link.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL server shared by any number of nodes: a HikariCP pool of at most {@code store.poolSize}
 * connections, migrated on open. Every read borrows a connection for one unit of {@link Work}; every write is one
 * transaction. A caller waits at most {@code store.poolWait} for a connection and a statement runs at most
 * {@code store.statementTimeout}; past either the caller gets a {@link StoreException} naming the pool's state,
 * which the API answers with 503 and {@code Retry-After}. Statements are prepared: pgjdbc keeps the server-side
 * plan of a statement per connection once it has run a few times, so a fixed SQL text is parsed once per connection.
 */
public final class PostgresDatabase implements AutoCloseable {
    /** SQLSTATEs after which a transaction may simply run again: serialization failure and deadlock. */
    private static final java.util.Set<String> RETRYABLE = java.util.Set.of("40001", "40P01");
    private static final int ATTEMPTS = 3;
    /** How long past store.statementTimeout a read from the server waits before the connection is given up for dead. */
    private static final int SOCKET_SLACK_SECONDS = 5;
    /**
     * An advisory lock key ('shortr' + 1): link deletes take it exclusively, analytics writes shared, so that a
     * delete never interleaves with a flush that would bring the deleted link's counters back (see
     * {@link PostgresAnalyticsStore}).
     */
    static final long ANALYTICS_LOCK = 0x73686f72747231L;

    private final HikariDataSource pool;
    private final String where;
    private final int groupCommitMax;

    private PostgresDatabase(HikariDataSource pool, String where, int groupCommitMax) {
        this.pool = pool;
        this.where = where;
        this.groupCommitMax = groupCommitMax;
    }

    /** Connects to {@code config.url()} (a {@code postgres://} URL) and migrates the schema. */
    public static PostgresDatabase open(StoreConfig config) {
        PostgresUrl url = config.postgresUrl();
        String where = url.toString(); // redacted
        HikariConfig h = new HikariConfig();
        h.setPoolName("shortr-postgres");
        h.setJdbcUrl(url.jdbcUrl());
        h.setUsername(url.user());
        h.setPassword(password(config, url, where));
        h.setMaximumPoolSize(config.poolSize());
        long waitMs = config.poolWait().toMillis();
        h.setConnectionTimeout(waitMs);
        // must stay below the connection timeout, or HikariCP replaces it with its default
        h.setValidationTimeout(Math.max(250, Math.min(5_000, waitMs / 2)));
        h.setAutoCommit(true);
        long statementMs = config.statementTimeout().toMillis();
        // pgjdbc properties; parameters of the store URL win over these
        h.addDataSourceProperty("ApplicationName", "shortr");
        h.addDataSourceProperty("tcpKeepAlive", "true");
        h.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, Math.min(30, waitMs / 1000 + 1))));
        // a server that stops answering (a partition, a failover that moved the address) must not hold a caller forever
        // either: a live server ends any statement at statement_timeout, so a few seconds past that it is not coming
        h.addDataSourceProperty("socketTimeout", Long.toString((statementMs + 999) / 1000 + SOCKET_SLACK_SECONDS));
        h.addDataSourceProperty("reWriteBatchedInserts", "true");
        h.addDataSourceProperty("options", "-c statement_timeout=" + statementMs + " -c lock_timeout=" + statementMs
                + " -c idle_in_transaction_session_timeout=" + Math.max(60_000, 2 * statementMs));
        migrate(url, h.getPassword(), where);
        try {
            return new PostgresDatabase(new HikariDataSource(h), where, config.groupCommitMax());
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StoreException("postgres: cannot connect to " + where + ": " + cause.getMessage(), e);
        }
    }

    /**
     * Migrates on connections of its own, not the pool's: Flyway holds one for its lock while it migrates on another
     * (a pool of one would wait for itself), and a migration may run longer than any request should.
     */
    private static void migrate(PostgresUrl url, String password, String where) {
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setURL(url.jdbcUrl());
        direct.setUser(url.user());
        direct.setPassword(password);
        direct.setApplicationName("shortr-migrate");
        try {
            Flyway.configure(PostgresDatabase.class.getClassLoader())
                    .dataSource(direct)
                    .locations("classpath:db/migration/postgres")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            String why = e.getCause() instanceof SQLException sql ? sql.getMessage() : e.getMessage();
            throw new StoreException("postgres: cannot connect to or migrate " + where + ": " + why, e);
        }
    }

    private static String password(StoreConfig config, PostgresUrl url, String where) {
        Path file = config.passwordFile();
        if (file == null) {
            return url.password();
        }
        try {
            // secret files usually end with a newline that is not part of the value
            return Files.readString(file).replaceAll("[\r\n]+$", "");
        } catch (IOException e) {
            throw new StoreException("postgres: cannot read the password of " + where + " from " + file + ": " + e, e);
        }
    }

    /** One unit of work on a pooled connection in autocommit mode: a read, or a single self-contained statement. */
    <T> T read(String what, Work<T> work) {
        try (Connection c = borrow(what)) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * {@code work} in one transaction, committed before this returns (so durable: synchronous_commit is the
     * server's, on by default). A deadlock or serialization failure runs it again, up to {@value #ATTEMPTS} times,
     * so {@code work} must not have effects outside the database. An exception from {@code work} rolls back and
     * reaches the caller as it is, an {@link SQLException} as a {@link StoreException}.
     */
    <T> T write(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            // HikariCP puts autocommit back when the connection returns to the pool
            try (Connection c = borrow(what)) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException | Error e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && e.getSQLState() != null && RETRYABLE.contains(e.getSQLState())) {
                    continue;
                }
                throw failure(what, e);
            }
        }
    }

    private Connection borrow(String what) throws SQLException {
        if (pool.isClosed()) {
            throw new StoreException("postgres: " + what + ": the store is closed", null);
        }
        return pool.getConnection();
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is likely broken; HikariCP evicts it
        }
    }

    /** An {@link SQLException} as a {@link StoreException} with context: what was asked, where, and the pool's state. */
    StoreException failure(String what, SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            // HikariCP's own message carries the wait and the pool's counts (total, active, idle, waiting)
            return new StoreException("postgres: " + what + ": no connection to " + where + ": " + e.getMessage(), e);
        }
        String state = e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]";
        return new StoreException("postgres: " + what + " failed: " + e.getMessage() + state + " (" + poolState() + ")", e);
    }

    /** {@code total=10, active=3, idle=7, waiting=0}, as HikariCP counts. */
    String poolState() {
        HikariPoolMXBean p = pool.getHikariPoolMXBean();
        return p == null ? "pool closed" : "total=" + p.getTotalConnections() + ", active=" + p.getActiveConnections()
                + ", idle=" + p.getIdleConnections() + ", waiting=" + p.getThreadsAwaitingConnection();
    }

    /** The URL as it may be logged (no password). */
    String where() {
        return where;
    }

    int groupCommitMax() {
        return groupCommitMax;
    }

    Duration poolWait() {
        return Duration.ofMillis(pool.getConnectionTimeout());
    }

    void ping() {
        read("ping", c -> {
            try (var s = c.prepareStatement("SELECT 1"); var rs = s.executeQuery()) {
                return rs.next();
            }
        });
    }

    @Override
    public void close() {
        pool.close();
    }
}
