package dev.shortr.link;

import java.time.Instant;

/**
 * One mutation in the change feed. Sequence numbers are strictly increasing across all links; a
 * {@code DELETED} change carries no link.
 */
public record Change(long seq, Kind kind, ShortCode code, Link link, Instant at) {
    public enum Kind { CREATED, UPDATED, DELETED }
}
