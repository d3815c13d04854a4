package dev.shortr.webhook;

import dev.shortr.link.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * A subscription: where to send which events, and the secret that signs them. After a rotation the previous
 * secret keeps signing too, until {@code previousSecretUntil}, so a receiver can switch without losing events.
 *
 * @param events      wire names of subscribed types, sorted, or just {@value EventType#ALL}
 * @param description free text for people, or null
 */
public record Endpoint(String id, String url, List<String> events, boolean enabled, String description, String secret,
                       String previousSecret, Instant previousSecretUntil, Instant createdAt, Instant updatedAt) {
    public static final int MAX_DESCRIPTION = 500;

    public Endpoint {
        if (id == null || secret == null || createdAt == null || updatedAt == null) {
            throw new IllegalArgumentException("id, secret and timestamps are required");
        }
        url = WebhookUrl.parse(url);
        events = normalise(events);
        description = checkDescription(description);
        if ((previousSecret == null) != (previousSecretUntil == null)) {
            throw new IllegalArgumentException("a previous secret needs an expiry, and only then");
        }
    }

    /** Whether this endpoint gets events of {@code type}. A test event goes to the endpoint it was asked for. */
    public boolean wants(EventType type) {
        return type == EventType.WEBHOOK_TEST || events.contains(EventType.ALL) || events.contains(type.wire());
    }

    /** The secrets that sign a message sent at {@code now}: the current one, then the previous while it is valid. */
    public List<String> signingSecrets(Instant now) {
        return previousSecret != null && now.isBefore(previousSecretUntil) ? List.of(secret, previousSecret) : List.of(secret);
    }

    public Endpoint withSecret(String newSecret, Instant now, Instant previousUntil) {
        return new Endpoint(id, url, events, enabled, description, newSecret, secret, previousUntil, createdAt, now);
    }

    public Endpoint with(String newUrl, List<String> newEvents, String newDescription, boolean newEnabled, Instant now) {
        return new Endpoint(id, newUrl, newEvents, newEnabled, newDescription, secret, previousSecret, previousSecretUntil,
                createdAt, now);
    }

    private static List<String> normalise(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw new InvalidInputException("events", "events must list at least one event type, or \"*\" for all");
        }
        TreeSet<String> out = new TreeSet<>();
        for (String e : events) {
            if (EventType.ALL.equals(e)) {
                return List.of(EventType.ALL);
            }
            try {
                out.add(EventType.parse(e).wire());
            } catch (IllegalArgumentException ex) {
                throw new InvalidInputException("events", ex.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static String checkDescription(String d) {
        if (d == null) {
            return null;
        }
        if (d.length() > MAX_DESCRIPTION || d.codePoints().anyMatch(c -> c < 0x20 || c == 0x7f || Character.isSurrogate((char) c))) {
            throw new InvalidInputException("description",
                    "description must be at most " + MAX_DESCRIPTION + " characters, without control characters or invalid UTF-16");
        }
        return d.isBlank() ? null : d.strip();
    }
}
