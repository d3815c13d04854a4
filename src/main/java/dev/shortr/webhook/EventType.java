package dev.shortr.webhook;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What happened, by its wire name. Endpoints subscribe to the link events; {@code webhook.test} is sent on request. */
public enum EventType {
    LINK_CREATED("link.created"),
    LINK_UPDATED("link.updated"),
    LINK_DELETED("link.deleted"),
    LINK_CLICKED("link.clicked"),
    WEBHOOK_TEST("webhook.test");

    /** In an endpoint's event list: every subscribable type, including those added later. */
    public static final String ALL = "*";
    /** The types an endpoint may name. */
    public static final List<EventType> SUBSCRIBABLE = List.of(LINK_CREATED, LINK_UPDATED, LINK_DELETED, LINK_CLICKED);

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /**
     * The subscribable type named {@code name}.
     *
     * @throws IllegalArgumentException naming the types there are
     */
    public static EventType parse(String name) {
        for (EventType t : SUBSCRIBABLE) {
            if (t.wire.equals(name)) {
                return t;
            }
        }
        String shown = name == null ? "null" : name.length() > 40 ? name.substring(0, 40) + "…" : name;
        throw new IllegalArgumentException("unknown event type '" + shown.replaceAll("\\p{Cntrl}", "?") + "'; expected "
                + ALL + " or any of " + SUBSCRIBABLE.stream().map(EventType::wire).collect(Collectors.joining(", ")));
    }

    /** Any type, {@code webhook.test} included, by its wire name as stored. */
    public static EventType fromWire(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + wire + "'"));
    }
}
