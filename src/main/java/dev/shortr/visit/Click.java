package dev.shortr.visit;

/**
 * One accepted redirect, as compact as the hot path can make it: no strings are parsed here, the
 * aggregator does the rest off the event loop.
 *
 * @param linkId   the store id of the link (codes can be deleted and reused; ids cannot)
 * @param epochMs  when the redirect was answered
 */
public record Click(long linkId, long epochMs) {}
