package dev.shortr.link;

/** Outcome of inserting a link. */
public sealed interface Insert {
    record Inserted(Link link) implements Insert {}

    record CodeTaken(ShortCode code) implements Insert {}
}
