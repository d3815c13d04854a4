package dev.shortr.link;

import java.time.Instant;

/**
 * One mutation in the change feed. Sequence numbers are strictly increasing across all links; a
 * {@code DELETED} change carries no link.
 */
public record Change(long seq, Kind kind, ShortCode code, Link link, Instant at) {
    public enum Kind { CREATED, UPDATED, DELETED }

    /**
     * A change as the store keeps it, for copying a store ({@link LinkStore#changeRows}): the id of its link
     * instead of the link, which may be gone (ids are never reused, so it names the link it was).
     */
    public record Row(long seq, Kind kind, ShortCode code, long linkId, Instant at) {}
}
