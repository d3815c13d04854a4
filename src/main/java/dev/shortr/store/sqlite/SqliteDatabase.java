package dev.shortr.store.sqlite;

import dev.shortr.config.StoreConfig;
import dev.shortr.link.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The shortr database file, {@code <dataDir>/shortr.db}: migrated on open, written by one group-committing
 * {@link Writer} thread, read through a few read-only connections, with the {@link ClickLog} that
 * {@link SqliteClickStore} appends to (replayed on open, compacted in the background). Share one instance
 * between the {@link SqliteLinkStore}, {@link SqliteClickStore}, {@link SqliteKeyStore} and
 * {@link SqliteWebhookStore}; closing it compacts the click log, commits queued writes, then releases the file.
 */
public final class SqliteDatabase implements AutoCloseable {
    public static final String FILE_NAME = "shortr.db";

    private static final int BUSY_TIMEOUT_MS = 5_000;
    /**
     * Page cache per connection, in KiB (SQLite takes a negative cache_size as KiB). Modest on purpose: pages
     * beyond it come from the OS page cache, which is shared and is not process RSS. No mmap either: a
     * mapped file counts as RSS once touched (306 MB after one full scan with a 1 GiB map).
     */
    private static final int WRITER_CACHE_KIB = 16 * 1024;
    private static final int READER_CACHE_KIB = 8 * 1024;
    /** Callers waiting for the writer beyond this many groups' worth are turned away (bounded queue). */
    private static final int QUEUED_GROUPS = 8;

    private final Path file;
    private final Writer writer;
    private final Readers readers;
    private final ClickLog clickLog;
    /**
     * Links deleted in the last day, by id, with when: analytics counted before a deletion but written after
     * it (counters wait minutes in memory, and a failed write is retried) are dropped instead of bringing the
     * deleted link's rows back. Written and read on the writer thread.
     */
    private final java.util.Map<Long, Long> deletedLinks = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long DELETED_LINK_MEMORY_MS = 86_400_000L;

    private SqliteDatabase(Path file, Writer writer, Readers readers, ClickLog clickLog) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
        this.clickLog = clickLog;
    }

    /**
     * Opens (creating the directory and file if needed) and migrates the database in {@code config.dataDir()}.
     * {@code config.url()} is not consulted: choosing SQLite is the caller's decision.
     */
    public static SqliteDatabase open(StoreConfig config) {
        return open(config, ClickLog.COMPACT_AT, ClickLog.COMPACT_EVERY);
    }

    /** With the click log compacted at {@code compactAt} pending tallies or every {@code compactEvery}. */
    static SqliteDatabase open(StoreConfig config, int compactAt, Duration compactEvery) {
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
            Readers readers = new Readers(readSessions);
            ClickLog clickLog = new ClickLog(writer, compactAt, compactEvery);
            try {
                clickLog.replay();
            } catch (RuntimeException e) {
                writer.close();
                readers.close();
                throw new StoreException("sqlite: cannot open " + file + ": replaying the click log failed: "
                        + e.getMessage(), e);
            }
            return new SqliteDatabase(file, writer, readers, clickLog.start());
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
        SQLiteConfig c = common(WRITER_CACHE_KIB);
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL fsyncs the WAL at every commit: an acknowledged write survives power loss, not just kill -9.
        // Group commit is what keeps this affordable.
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.enforceForeignKeys(true);
        return c;
    }

    private static SQLiteConfig readerConfig() {
        SQLiteConfig c = common(READER_CACHE_KIB);
        c.setReadOnly(true);
        return c;
    }

    private static SQLiteConfig common(int cacheKib) {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(BUSY_TIMEOUT_MS);
        c.setCacheSize(-cacheKib);
        c.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, "0");
        c.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // otherwise the driver runs a regex over the SQL after every update to decide whether to fetch
        // last_insert_rowid(); nothing calls getGeneratedKeys (ids come back through RETURNING)
        c.setGetGeneratedKeys(false);
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

    /** After a link's deletion committed. */
    void linkDeleted(long linkId) {
        long now = System.currentTimeMillis();
        deletedLinks.put(linkId, now);
        if (deletedLinks.size() > 1024) {
            deletedLinks.values().removeIf(at -> at < now - DELETED_LINK_MEMORY_MS);
        }
    }

    /** Whether analytics of {@code linkId} must not be written: it was deleted (in the last day). */
    boolean deleted(long linkId) {
        return !deletedLinks.isEmpty() && deletedLinks.containsKey(linkId);
    }

    public Path file() {
        return file;
    }

    /** One unit of the next group commit; returns once that commit is durable. */
    <T> T write(String what, Work<T> work) {
        return writer.submit(what, work);
    }

    /** Like {@link #write(String, Work)}, with {@code then} told the outcome on the writer thread first. */
    <T> T write(String what, Work<T> work, Writer.AfterCommit<? super T> then) {
        return writer.submit(what, work, then);
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

    ClickLog clickLog() {
        return clickLog;
    }

    @Override
    public void close() {
        clickLog.close();
        writer.close();
        readers.close();
    }

    /** Closes as a crash would leave the file (queued writes still commit): the click log is not compacted. */
    void closeLeavingClickLog() {
        clickLog.stop();
        writer.close();
        readers.close();
    }
}
