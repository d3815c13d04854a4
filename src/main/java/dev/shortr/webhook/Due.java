package dev.shortr.webhook;

/**
 * A delivery claimed for sending: the outbox row {@code id}, its event, the endpoint as it is now (URL and
 * secrets), and the attempts made so far.
 */
public record Due(long id, Event event, Endpoint endpoint, int attempts) {}
