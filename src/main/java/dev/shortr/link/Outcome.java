package dev.shortr.link;

/** Result of a create request, one per item in a bulk create. */
public sealed interface Outcome {
    /** @param reused true when "reuse" mode returned an existing link (200, not 201) */
    record Created(Link link, boolean reused) implements Outcome {}

    record AliasTaken(ShortCode code) implements Outcome {}

    record Invalid(String field, String reason) implements Outcome {}
}
