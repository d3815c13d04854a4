package dev.shortr.webhook;

import java.util.List;

/** An event and the endpoints it goes to: one outbox row each. */
public record Fanout(Event event, List<String> endpointIds) {
    public Fanout {
        endpointIds = List.copyOf(endpointIds);
    }
}
