package dev.shortr.webhook;

import java.time.Instant;

/**
 * One event as it is sent: {@code body} is the exact JSON that is signed and posted, the same bytes on every
 * attempt. {@code id} is the {@code webhook-id}: receivers de-duplicate by it.
 */
public record Event(String id, EventType type, Instant timestamp, byte[] body) {
    public Event {
        if (id == null || type == null || timestamp == null || body == null) {
            throw new IllegalArgumentException("id, type, timestamp and body are required");
        }
    }
}
