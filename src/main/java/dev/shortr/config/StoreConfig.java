package dev.shortr.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where data lives: {@code sqlite} (a file in {@code dataDir}), or a PostgreSQL server shared by many nodes.
 *
 * @param url              {@code sqlite}, or {@code postgres://user@host:port/database?params} ({@link PostgresUrl})
 * @param dataDir          directory of the SQLite file, and of a node's own files (certificates) with either store;
 *                         relative paths start at the working directory
 * @param readConnections  SQLite: connections for reads, 1..64 (writes have their own single writer)
 * @param groupCommitMax   most writes folded into one transaction, 1..100000 (PostgreSQL: link creates per group)
 * @param passwordFile     PostgreSQL: a file holding the password (a secret mount), or null
 * @param poolSize         PostgreSQL: connections in the pool, 1..1000
 * @param poolWait         PostgreSQL: the longest a caller waits for a pooled connection before the store is
 *                         reported unavailable (503)
 * @param statementTimeout PostgreSQL: the longest one statement may run, or wait for a lock
 */
public record StoreConfig(String url, Path dataDir, int readConnections, int groupCommitMax, Path passwordFile, int poolSize,
                          Duration poolWait, Duration statementTimeout) {
    public StoreConfig {
        Setting.STORE_URL.require(url);
        Setting.STORE_DATA_DIR.require(dataDir);
        Setting.STORE_READ_CONNECTIONS.require(readConnections);
        Setting.STORE_GROUP_COMMIT_MAX.require(groupCommitMax);
        Setting.STORE_PASSWORD_FILE.require(passwordFile);
        Setting.STORE_POOL_SIZE.require(poolSize);
        Setting.STORE_POOL_WAIT.require(poolWait);
        Setting.STORE_STATEMENT_TIMEOUT.require(statementTimeout);
    }

    /** With the default PostgreSQL pool settings (what a SQLite store needs). */
    public StoreConfig(String url, Path dataDir, int readConnections, int groupCommitMax) {
        this(url, dataDir, readConnections, groupCommitMax, null, 10, Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    public static StoreConfig defaults() {
        return new StoreConfig("sqlite", Path.of("shortr-data"), 4, 512);
    }

    /** Whether {@link #url} is a PostgreSQL server rather than SQLite. */
    public boolean postgres() {
        return PostgresUrl.isPostgres(url);
    }

    /** The parsed PostgreSQL URL; only when {@link #postgres()}. */
    public PostgresUrl postgresUrl() {
        return PostgresUrl.parse(url);
    }

    /** This store with {@code url} instead (and the rest as it is). */
    public StoreConfig withUrl(String newUrl) {
        return new StoreConfig(newUrl, dataDir, readConnections, groupCommitMax, passwordFile, poolSize, poolWait, statementTimeout);
    }

    /** Like the record's own, with any password in the URL hidden: configs get logged. */
    @Override
    public String toString() {
        return "StoreConfig[url=" + PostgresUrl.redact(url) + ", dataDir=" + dataDir + ", readConnections=" + readConnections
                + ", groupCommitMax=" + groupCommitMax + ", passwordFile=" + passwordFile + ", poolSize=" + poolSize
                + ", poolWait=" + poolWait + ", statementTimeout=" + statementTimeout + "]";
    }
}
