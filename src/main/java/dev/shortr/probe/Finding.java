package dev.shortr.probe;

/**
 * One thing the diagnosis noticed: the layer it concerns, how much it matters, what was seen and what to do.
 *
 * @param id a stable name for scripts and tests ({@code tls-1.2}, {@code dns-ttl-short}, ...); docs/probe.md lists them
 */
public record Finding(Layer layer, Severity severity, String id, String message, String advice) {
    /** In order of importance. */
    public enum Severity {
        /** Visitors are failing or exposed: fix it now. */
        PROBLEM,
        /** Visitors pay for it, in time or risk. */
        WARNING,
        /** Worth knowing; may be on purpose. */
        NOTE
    }
}
