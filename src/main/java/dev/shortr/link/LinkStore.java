package dev.shortr.link;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Port to wherever links live (SQLite, PostgreSQL, memory). Every mutation appends one {@link Change} with
 * the next sequence number, in the same transaction. Methods throw {@link StoreException} on infrastructure
 * failure, never for "not found" or "taken".
 */
public interface LinkStore {
    Optional<Link> find(ShortCode code);

    /** Whether a link with this code was deleted (and the code not taken again since): its redirect answers 410. */
    boolean wasDeleted(ShortCode code);

    /** Inserts {@code draft} (its id and seq are ignored) unless the code is taken. Durable on return. */
    Insert insert(Link draft);

    /** Inserts many in one transaction; one result per draft, in order. Durable on return. */
    List<Insert> insertAll(List<Link> drafts);

    /**
     * Applies {@code change} to the stored link atomically. The function may throw
     * {@link InvalidInputException}, which leaves the link untouched. The code of the result must not change.
     */
    Optional<Link> update(ShortCode code, UnaryOperator<Link> change);

    /** Deletes the link and its click counts; false when there was none. */
    boolean delete(ShortCode code);

    Page<Link> list(LinkQuery query);

    /** The newest link of {@code owner} (null = anonymous) with exactly this target, for "reuse" mode. */
    Optional<Link> findByTarget(String owner, String target);

    /** The highest sequence number handed out so far (0 when none). */
    long lastSeq();

    /**
     * Changes with seq &gt; {@code after}, in order, at most {@code limit}. CREATED and UPDATED changes carry the
     * link as it is now (so its {@code seq} may be later than the change's), or null once it has been deleted.
     *
     * <p>The feed is dense and read in order: seqs run 1, 2, 3, ... with no holes (a rolled-back write gives
     * its number back), and no reader ever sees seq n + 1 while n is still uncommitted. Replicas rely on this to
     * follow the feed with a single cursor ({@link ChangeFeed}); a store with concurrent writers must hand out
     * seqs in commit order (one counter row updated in the writing transaction, say, not a free-running
     * sequence).
     */
    List<Change> changesAfter(long after, int limit);

    long count();

    /** The codes of the links with these ids; ids of deleted links are absent. */
    java.util.Map<Long, ShortCode> codes(java.util.Collection<Long> ids);

    /** Cheap liveness probe of the backing store, for {@code /readyz}. */
    void ping();

    // Copying a whole store (shortr migrate). Every adapter implements these; the defaults are for decorators,
    // which a copy never goes through.

    /** Migration: the feed's rows as stored (seq &gt; {@code after}, in order, at most {@code limit}); no link is read. */
    default List<Change.Row> changeRows(long after, int limit) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied; copy the store under it");
    }

    /**
     * Migration: stores {@code links} exactly as given (id, code, seq, tags, timestamps), in one transaction,
     * replacing a stored link with the same id, so a batch restored twice is restored once. A code that was
     * deleted (see {@link #wasDeleted}) is not any more. Later inserts get ids above every id restored. Does not
     * touch the change feed: restore its rows with {@link #restoreChanges}.
     */
    default void restoreLinks(List<Link> links) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied; copy the store under it");
    }

    /**
     * Migration: appends change rows exactly as given, in one transaction. A row whose seq is stored already
     * is skipped (so a batch restored twice is restored once); any other must be {@link #lastSeq} + 1, so the
     * feed stays dense ({@link IllegalArgumentException} otherwise). A DELETED row makes its code
     * {@linkplain #wasDeleted deleted} unless a link has that code. Later mutations get seqs above the last
     * row, and later inserts ids above every row's link id.
     */
    default void restoreChanges(List<Change.Row> rows) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be copied; copy the store under it");
    }
}
