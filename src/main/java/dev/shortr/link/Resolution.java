package dev.shortr.link;

/** The outcome of looking up a code for a redirect. "Not found" is a value, never an exception. */
public sealed interface Resolution {
    enum Reason { EXPIRED, DISABLED, EXHAUSTED, DELETED }

    record Found(Link link) implements Resolution {}

    /** The link exists but may no longer be followed: 410 Gone. */
    record Gone(Link link, Reason reason) implements Resolution {}
}
