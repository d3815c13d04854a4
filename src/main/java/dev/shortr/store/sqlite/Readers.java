package dev.shortr.store.sqlite;

import dev.shortr.link.StoreException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read-only connections (with their prepared statements), lent out one query at a time. WAL lets them read while the writer
 * commits. A pool this small needs no library: a blocking queue of idle connections is the whole of it.
 */
final class Readers implements AutoCloseable {
    private static final long WAIT_MS = 5_000;

    private final List<Session> all;
    private final BlockingQueue<Session> idle;
    private volatile boolean closed;

    Readers(List<Session> sessions) {
        this.all = List.copyOf(sessions);
        this.idle = new ArrayBlockingQueue<>(all.size(), false, all);
    }

    <T> T run(String what, Work<T> work) {
        if (closed) {
            throw new StoreException("sqlite: " + what + ": the store is closed", null);
        }
        Session c;
        try {
            c = idle.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("sqlite: " + what + ": interrupted while waiting for a read connection", e);
        }
        if (c == null) {
            throw new StoreException("sqlite: " + what + ": no read connection within " + WAIT_MS + "ms (total="
                    + all.size() + ", idle=" + idle.size() + ")", null);
        }
        try {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("sqlite: " + what + " failed: " + e.getMessage(), e);
        } finally {
            idle.offer(c);
            if (closed) {
                closeIdle(); // close() ran while this one was out
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
    }

    private void closeIdle() {
        for (Session c; (c = idle.poll()) != null; ) {
            try {
                c.close();
            } catch (SQLException e) {
                // nothing to flush on a read-only connection; the file is released either way
            }
        }
    }
}
