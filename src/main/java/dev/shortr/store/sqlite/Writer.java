package dev.shortr.store.sqlite;

import dev.shortr.link.StoreException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes. Callers queue a unit of {@link Work} and block until it is durable; the thread
 * folds up to {@code groupMax} queued units into one {@code BEGIN IMMEDIATE ... COMMIT}, so one WAL fsync
 * pays for the whole group. Each unit runs inside its own SAVEPOINT: a unit that throws is rolled back alone
 * and only its caller sees the exception. Futures complete only after COMMIT has returned, which is what
 * "durable on return" means. A unit may bring an after-commit step, run on this thread in commit order before
 * the next group begins (in-memory state that must follow the database, such as {@link ClickLog}'s counts),
 * and may ask to commit alone, so it sees every earlier unit's after-commit step and no later unit shares
 * its transaction.
 */
final class Writer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    private static final long OFFER_TIMEOUT_MS = 10_000;
    private static final long IDLE_POLL_MS = 100;

    private final Session session;
    private final int groupMax;
    private final int capacity;
    private final BlockingQueue<Unit<?>> queue;
    private final Thread thread;
    private volatile boolean closed;
    // written by the writer thread only; read for error messages and measurements
    private volatile long commits;
    private volatile long units;

    Writer(Session session, int groupMax, int capacity) {
        this.session = session;
        this.groupMax = groupMax;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = Thread.ofPlatform().name("sqlite-writer").daemon(true).unstarted(this::run);
    }

    Writer start() {
        thread.start();
        return this;
    }

    /** Runs {@code work} in the next group commit and returns its result once that commit is durable. */
    <T> T submit(String what, Work<T> work) {
        return submit(what, work, null, false);
    }

    /** A unit's in-memory follow-up, told on the writer thread how its group ended, before its caller is. */
    interface AfterCommit<T> {
        /** The group committed. Must not fail: the write is durable, so a failure here is only logged. */
        void committed(T result);

        /** The unit's writes are not in the database: it threw, its group failed, or it never ran. */
        default void rolledBack() {}
    }

    /** Like {@link #submit(String, Work)}, with {@code then} told the outcome before this returns. */
    <T> T submit(String what, Work<T> work, AfterCommit<? super T> then) {
        return submit(what, work, then, false);
    }

    /** Like {@link #submit(String, Work, AfterCommit)}, in a transaction of its own. */
    <T> T submitAlone(String what, Work<T> work, AfterCommit<? super T> then) {
        return submit(what, work, then, true);
    }

    private <T> T submit(String what, Work<T> work, AfterCommit<? super T> then, boolean alone) {
        if (closed) {
            throw closedFor(what);
        }
        Unit<T> unit = new Unit<>(what, work, then, alone);
        boolean queued;
        try {
            queued = queue.offer(unit, OFFER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("sqlite: " + what + ": interrupted while waiting for room in the write queue", e);
        }
        if (!queued) {
            throw new StoreException("sqlite: " + what + ": write queue still full after " + OFFER_TIMEOUT_MS + "ms ("
                    + state() + ")", null);
        }
        // close() may have run between the check above and the offer; if the writer already left, nobody
        // would ever complete this unit
        if (closed && queue.remove(unit)) {
            throw closedFor(what);
        }
        return unit.await();
    }

    boolean alive() {
        return !closed && thread.isAlive();
    }

    int pending() {
        return queue.size();
    }

    long commits() {
        return commits;
    }

    long units() {
        return units;
    }

    String state() {
        return "pending=" + queue.size() + ", capacity=" + capacity + ", groupMax=" + groupMax + ", commits=" + commits
                + ", units=" + units + ", closed=" + closed;
    }

    /** Stops taking work, commits everything already queued, then closes the connection. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Unit<?>> batch = new ArrayList<>(groupMax);
        try {
            while (true) {
                Unit<?> first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, groupMax - 1);
                int from = 0;
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.get(i).alone) {
                        if (i > from) {
                            commit(batch.subList(from, i));
                        }
                        commit(batch.subList(i, i + 1));
                        from = i + 1;
                    }
                }
                if (from < batch.size()) {
                    commit(batch.subList(from, batch.size()));
                }
                batch.clear();
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            log.error("sqlite writer stopped; writes fail from now on ({})", state(), e);
        } finally {
            closed = true; // before failing the queue, so no submitter can slip in behind it and wait forever
            for (Unit<?> u : batch) {
                if (!u.done.isDone()) {
                    u.afterRollback();
                    u.fail(new StoreException("sqlite writer stopped", null));
                }
            }
            for (Unit<?> u; (u = queue.poll()) != null; ) {
                u.afterRollback();
                u.fail(closedFor(u.what));
            }
            try {
                session.close();
            } catch (SQLException e) {
                log.warn("closing the sqlite write connection failed", e);
            }
        }
    }

    private void commit(List<Unit<?>> batch) {
        SQLException groupFailure = null;
        try {
            session.prepare("BEGIN IMMEDIATE").execute();
            for (Unit<?> u : batch) {
                session.prepare("SAVEPOINT unit").execute();
                try {
                    u.run(session);
                    session.prepare("RELEASE unit").execute();
                } catch (Throwable e) {
                    u.failure = e;
                    // if SQLite already rolled the whole transaction back (SQLITE_FULL, IOERR), this throws
                    // and the group fails as one
                    session.prepare("ROLLBACK TO unit").execute();
                    session.prepare("RELEASE unit").execute();
                }
            }
            session.prepare("COMMIT").execute();
            commits++;
            units += batch.size();
        } catch (SQLException e) {
            groupFailure = e;
            rollbackQuietly();
        }
        // only now, after COMMIT returned (or the group failed), may a caller learn the outcome
        for (Unit<?> u : batch) {
            if (groupFailure == null && u.failure == null) {
                u.afterCommit();
            } else {
                u.afterRollback();
            }
            if (groupFailure != null && u.failure == null) {
                u.fail(new StoreException("sqlite: " + u.what + ": group commit of " + batch.size()
                        + " writes rolled back: " + groupFailure.getMessage() + " (" + state() + ")", groupFailure));
            } else {
                u.complete();
            }
        }
    }

    private void rollbackQuietly() {
        try {
            session.prepare("ROLLBACK").execute();
        } catch (SQLException e) {
            log.debug("rollback after a failed group commit: {}", e.getMessage()); // usually "no transaction"
        }
    }

    private StoreException closedFor(String what) {
        return new StoreException("sqlite: " + what + ": the store is closed", null);
    }

    private static final class Unit<T> {
        final String what;
        final Work<T> work;
        final AfterCommit<? super T> then;
        final boolean alone;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        Throwable failure;

        Unit(String what, Work<T> work, AfterCommit<? super T> then, boolean alone) {
            this.what = what;
            this.work = work;
            this.then = then;
            this.alone = alone;
        }

        void run(Session s) throws SQLException {
            result = work.run(s);
        }

        void afterCommit() {
            if (then == null) {
                return;
            }
            try {
                then.committed(result);
            } catch (RuntimeException | Error e) {
                // the commit is durable and the caller is told so; only in-memory state may now lag behind
                log.error("sqlite: after-commit step of {} failed", what, e);
            }
        }

        void afterRollback() {
            if (then == null) {
                return;
            }
            try {
                then.rolledBack();
            } catch (RuntimeException | Error e) {
                log.error("sqlite: after-rollback step of {} failed", what, e);
            }
        }

        void complete() {
            if (failure == null) {
                done.complete(result);
            } else {
                done.completeExceptionally(failure);
            }
        }

        void fail(Throwable e) {
            done.completeExceptionally(e);
        }

        T await() {
            try {
                return done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("sqlite: " + what + ": interrupted while waiting for the commit; "
                        + "the write may still be applied", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException sql) {
                    // built here, on the caller's thread, so the trace shows who asked
                    throw new StoreException("sqlite: " + what + " failed: " + sql.getMessage(), sql);
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new StoreException("sqlite: " + what + " failed", cause);
            }
        }
    }
}
