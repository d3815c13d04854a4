package dev.shortr.store.postgres;

import dev.shortr.link.Insert;
import dev.shortr.link.Link;
import dev.shortr.link.StoreException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for single creates. Link mutations commit one after another (the change feed's counter row, see
 * {@link LinkWrites}), so one transaction per create would cost one WAL flush each. Instead, one thread per node
 * takes every create queued since its last group, up to {@code groupMax}, and inserts them as one batch in one
 * transaction; each caller returns once that transaction has committed. When a group fails because of one draft
 * (an SQLSTATE of class 22 or 23), each of its drafts is tried alone, so only that caller sees the failure; any
 * other failure (no connection, a timeout) fails the whole group at once rather than multiplying the wait.
 */
final class InsertGroups implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InsertGroups.class);
    private static final long IDLE_POLL_MS = 100;

    private final Function<List<Link>, List<Insert>> insertAll;
    private final int groupMax;
    private final long offerMs;
    private final BlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean closed;

    private record Pending(Link draft, CompletableFuture<Insert> done) {}

    /** @param insertAll one transaction inserting the drafts, throwing {@link StoreException} on failure */
    InsertGroups(Function<List<Link>, List<Insert>> insertAll, int groupMax, long offerMs) {
        this.insertAll = insertAll;
        this.groupMax = groupMax;
        this.offerMs = offerMs;
        this.queue = new ArrayBlockingQueue<>(groupMax * 8);
        this.thread = Thread.ofPlatform().name("postgres-link-inserts").daemon(true).unstarted(this::run);
    }

    InsertGroups start() {
        thread.start();
        return this;
    }

    Insert insert(Link draft) {
        if (closed) {
            throw closed("insert " + draft.code());
        }
        Pending p = new Pending(draft, new CompletableFuture<>());
        try {
            if (!queue.offer(p, offerMs, TimeUnit.MILLISECONDS)) {
                throw new StoreException("postgres: insert " + draft.code() + ": " + queue.size()
                        + " creates still queued after " + offerMs + "ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("postgres: insert " + draft.code() + ": interrupted while queued", e);
        }
        if (closed && queue.remove(p)) { // close() ran between the check and the offer: nobody would take it
            throw closed("insert " + draft.code());
        }
        try {
            return p.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("postgres: insert " + draft.code() + ": interrupted while waiting for the commit; "
                    + "the link may still be created", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("postgres: insert " + draft.code() + " failed", e.getCause());
        }
    }

    private void run() {
        List<Pending> group = new ArrayList<>(groupMax);
        try {
            while (!closed || !queue.isEmpty()) {
                Pending first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, groupMax - 1);
                commit(group);
                group.clear();
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            log.error("postgres link inserts stopped; creates fail from now on", e);
        } finally {
            closed = true;
            StoreException stopped = closed("insert");
            group.forEach(p -> p.done().completeExceptionally(stopped));
            for (Pending p; (p = queue.poll()) != null; ) {
                p.done().completeExceptionally(stopped);
            }
        }
    }

    private void commit(List<Pending> group) {
        try {
            List<Insert> results = insertAll.apply(group.stream().map(Pending::draft).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).done().complete(results.get(i));
            }
        } catch (StoreException e) {
            if (group.size() > 1 && oneDraftsFault(e)) {
                for (Pending p : group) {
                    commit(List.of(p));
                }
            } else {
                group.forEach(p -> p.done().completeExceptionally(e));
            }
        } catch (RuntimeException e) {
            group.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** Data exceptions (22) and integrity violations (23) come from what was written, not from the server's state. */
    private static boolean oneDraftsFault(StoreException e) {
        return e.getCause() instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"));
    }

    private static StoreException closed(String what) {
        return new StoreException("postgres: " + what + ": the store is closed", null);
    }

    /** Stops taking creates and commits those already queued. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
