package dev.shortr.webhook;

import java.time.Instant;
import java.util.Locale;

/**
 * One row of the delivery log: an event for one endpoint, and how sending it has gone.
 *
 * @param lastStatus    HTTP status of the last attempt, null before the first or when no answer came
 * @param lastError     why the last attempt failed (a timeout, a refused connection, the start of the body), or null
 * @param nextAttemptAt when a pending delivery is tried next (while one is in flight: when its claim runs out)
 */
public record Delivery(long id, String eventId, EventType type, String endpointId, State state, int attempts,
                       Integer lastStatus, String lastError, Instant lastAttemptAt, Instant nextAttemptAt,
                       Instant deliveredAt, Instant createdAt) {

    public enum State {
        PENDING, DELIVERED, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State fromWire(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }
}
