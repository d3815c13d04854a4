package dev.shortr.store.sqlite;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The shortr database file, {@code <dataDir>/shortr.db}: migrated on open, written by one group-committing
 * {@link Writer} thread, read through a few read-only connections. Share one instance between the
 * {@link SqliteLinkStore}, {@link SqliteClickStore} and {@link SqliteKeyStore}; closing it commits queued
 * writes, then releases the file.
 */
public final class SqliteDatabase implements AutoCloseable {
    public static final String FILE_NAME = "shortr.db";

    private static final int BUSY_TIMEOUT_MS = 5_000;
    /** Negative cache_size is KiB: 64 MiB per connection, on top of the shared mmap below. */
    private static final int CACHE_KIB = 64 * 1024;
    /** Reads come straight from the OS page cache through the map, shared by all connections. */
    private static final long MMAP_BYTES = 1L << 30;
    /** Callers waiting for the writer beyond this many groups' worth are turned away (bounded queue). */
    private static final int QUEUED_GROUPS = 8;

    private final Path file;
    private final Writer writer;
    private final Readers readers;

    private SqliteDatabase(Path file, Writer writer, Readers readers) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
    }

    /**
     * Opens (creating the directory and file if needed) and migrates the database in {@code config.dataDir()}.
     * {@code config.url()} is not consulted: choosing SQLite is the caller's decision.
     */
    public static SqliteDatabase open(StoreConfig config) {
        if (config.readConnections() < 1 || config.groupCommitMax() < 1) {
            throw new IllegalArgumentException("readConnections and groupCommitMax must be at least 1, not "
                    + config.readConnections() + " and " + config.groupCommitMax());
        }
        Path file = config.dataDir().resolve(FILE_NAME).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StoreException("sqlite: cannot create data directory " + file.getParent() + ": " + e.getMessage(), e);
        }
        String url = "jdbc:sqlite:" + file;
        SQLiteDataSource writes = new SQLiteDataSource(writerConfig());
        writes.setUrl(url);
        migrate(writes, file);

        List<Connection> opened = new ArrayList<>();
        try {
            Connection w = writes.getConnection();
            opened.add(w);
            SQLiteDataSource reads = new SQLiteDataSource(readerConfig());
            reads.setUrl(url);
            List<Session> readSessions = new ArrayList<>();
            for (int i = 0; i < config.readConnections(); i++) {
                Connection r = reads.getConnection();
                opened.add(r);
                readSessions.add(new Session(r));
            }
            Writer writer = new Writer(new Session(w), config.groupCommitMax(), config.groupCommitMax() * QUEUED_GROUPS).start();
            return new SqliteDatabase(file, writer, new Readers(readSessions));
        } catch (SQLException e) {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new StoreException("sqlite: cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private static SQLiteConfig writerConfig() {
        SQLiteConfig c = common();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL fsyncs the WAL at every commit: an acknowledged write survives power loss, not just kill -9.
        // Group commit is what keeps this affordable.
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.enforceForeignKeys(true);
        return c;
    }

    private static SQLiteConfig readerConfig() {
        SQLiteConfig c = common();
        c.setReadOnly(true);
        return c;
    }

    private static SQLiteConfig common() {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(BUSY_TIMEOUT_MS);
        c.setCacheSize(-CACHE_KIB);
        c.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(MMAP_BYTES));
        c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return c;
    }

    private static void migrate(SQLiteDataSource source, Path file) {
        try {
            Flyway.configure(SqliteDatabase.class.getClassLoader())
                    .dataSource(source)
                    .locations("classpath:db/migration/sqlite")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("sqlite: migrating " + file + " failed: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** One unit of the next group commit; returns once that commit is durable. */
    <T> T write(String what, Work<T> work) {
        return writer.submit(what, work);
    }

    /** A read on a pooled read-only connection; never waits behind the writer. */
    <T> T read(String what, Work<T> work) {
        return readers.run(what, work);
    }

    void ping() {
        if (!writer.alive()) {
            throw new StoreException("sqlite: the writer is not running (" + writer.state() + ")", null);
        }
        read("ping", s -> s.single("SELECT 1"));
    }

    Writer writer() {
        return writer;
    }

    @Override
    public void close() {
        writer.close();
        readers.close();
    }
}
