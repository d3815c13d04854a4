package dev.shortr.cdn;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * Port to where each purge target keeps its place in the link change feed: a seq such that every change up to it
 * has been purged (or given up on, visibly). Nodes sharing one store share the work through a lease per target: only
 * the node holding it purges for that target, and only it may move the cursor, so one edit is purged once, not once
 * per node. Methods throw {@code StoreException} on infrastructure failure.
 */
public interface PurgeCursors {
    /**
     * Takes the lease of {@code target} for {@code holder} until {@code until}, or extends it, when it is free: never
     * taken, run out by {@code now}, or held by {@code holder} already. A target never seen before starts at
     * {@code startSeq}. Returns the target's cursor, or empty when another holder has the lease.
     */
    OptionalLong claim(String target, String holder, Instant now, Instant until, long startSeq);

    /**
     * Moves the cursor of {@code target} forward to {@code seq} (never back) if {@code holder} still holds its lease;
     * false when it does not.
     */
    boolean advance(String target, String holder, long seq);
}
