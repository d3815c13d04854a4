package dev.shortr.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Port to where endpoints and the outbox live. The outbox holds one row per (event id, endpoint): enqueueing
 * an event again is a no-op, so a crash between building events and recording progress cannot send one twice.
 * Methods throw {@code StoreException} on infrastructure failure, never for "not found".
 */
public interface WebhookStore {
    /** Stores a new endpoint; a duplicate id is a {@code StoreException}. */
    void insert(Endpoint endpoint);

    Optional<Endpoint> find(String id);

    /** Every endpoint, oldest first. */
    List<Endpoint> list();

    /**
     * Applies {@code change} atomically. It may throw {@code InvalidInputException}, which leaves the endpoint as
     * it was. The id of the result must not change.
     */
    Optional<Endpoint> update(String id, UnaryOperator<Endpoint> change);

    /** Deletes the endpoint and its deliveries; false when there was none. */
    boolean delete(String id);

    /**
     * Adds a row, due at {@code now}, for each (event, endpoint) not stored yet, skipping endpoints that no longer
     * exist; returns the rows added.
     */
    int enqueue(List<Fanout> events, Instant now);

    /** Like {@link #enqueue}, and records {@code cursor} as the last change-feed seq handled, in the same transaction. */
    int enqueueFromFeed(List<Fanout> events, long cursor, Instant now);

    /** The last change-feed seq handled, if any was ever recorded. */
    OptionalLong feedCursor();

    /** When the earliest pending delivery to an enabled endpoint is due, if there is one. */
    Optional<Instant> nextAttemptAt();

    /**
     * Claims up to {@code limit} pending deliveries to enabled endpoints that are due at {@code now}, earliest first:
     * until {@code leaseUntil} (or until {@link #record}) they are not due again.
     */
    List<Due> claimDue(Instant now, Instant leaseUntil, int limit);

    /** Records how an attempt at delivery {@code id} ended, and ends its claim. */
    void record(long id, Attempt attempt);

    /** Makes every claimed delivery due at {@code now} (after a restart, nothing is in flight); returns how many. */
    int releaseClaims(Instant now);

    /** Deliveries of one endpoint, newest first, with ids below {@code beforeId} (0 for the first page). */
    DeliveryPage deliveries(String endpointId, long beforeId, int limit);

    /**
     * Deletes up to {@code limit} delivered and failed deliveries created before {@code before}, oldest first, and
     * the events left without a delivery; returns the deliveries deleted.
     */
    int prune(Instant before, int limit);

    /** Pending deliveries, for metrics. */
    long pending();
}
