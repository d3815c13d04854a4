package dev.shortr.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.link.Change;
import dev.shortr.link.Link;
import java.time.Instant;
import java.util.List;

/**
 * The bodies of events, in the Standard Webhooks shape {@code {"type", "timestamp", "data"}}. Pure functions of
 * their inputs, so the event of a change is the same bytes whenever it is built.
 */
final class Payloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Clicks on one link in a window. */
    record LinkClicks(String code, long clicks) {}

    private Payloads() {}

    /** The id of the event of a change: deterministic, so building it twice gives one outbox row. */
    static String changeEventId(long seq) {
        return "evt_chg_" + seq;
    }

    static EventType type(Change.Kind kind) {
        return switch (kind) {
            case CREATED -> EventType.LINK_CREATED;
            case UPDATED -> EventType.LINK_UPDATED;
            case DELETED -> EventType.LINK_DELETED;
        };
    }

    /**
     * A {@code link.*} event. The data is the link as the change feed has it when the event is built, which is its
     * latest state; a link deleted since is only its {@code code}.
     */
    static Event change(Change c) {
        EventType type = type(c.kind());
        ObjectNode data = c.link() == null || c.kind() == Change.Kind.DELETED
                ? JSON.createObjectNode().put("code", c.code().value())
                : link(c.link());
        return event(changeEventId(c.seq()), type, c.at(), data);
    }

    /** A {@code link.clicked} event: clicks per link between {@code from} and {@code to}. */
    static Event clicked(String id, Instant from, Instant to, List<LinkClicks> links) {
        ObjectNode data = JSON.createObjectNode();
        data.putObject("window").put("from", from.toString()).put("to", to.toString());
        ArrayNode items = data.putArray("links");
        for (LinkClicks l : links) {
            items.addObject().put("code", l.code()).put("clicks", l.clicks());
        }
        return event(id, EventType.LINK_CLICKED, to, data);
    }

    /** A {@code webhook.test} event, sent on request to one endpoint. */
    static Event test(String id, Instant at, String endpointId) {
        ObjectNode data = JSON.createObjectNode()
                .put("endpoint", endpointId)
                .put("message", "a test event from shortr; answer with any 2xx status");
        return event(id, EventType.WEBHOOK_TEST, at, data);
    }

    private static ObjectNode link(Link l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("code", l.code().value());
        n.put("url", l.target().value());
        n.put("redirect", l.redirect().status());
        if (l.cacheSeconds() == null) {
            n.putNull("cacheSeconds");
        } else {
            n.put("cacheSeconds", l.cacheSeconds());
        }
        if (l.cdnSeconds() == null) {
            n.putNull("cdnSeconds");
        } else {
            n.put("cdnSeconds", l.cdnSeconds());
        }
        n.put("forwardQuery", l.forwardQuery());
        n.put("expiresAt", l.expiresAt() == null ? null : l.expiresAt().toString());
        if (l.maxClicks() == null) {
            n.putNull("maxClicks");
        } else {
            n.put("maxClicks", l.maxClicks());
        }
        ArrayNode tags = n.putArray("tags");
        l.tags().forEach(tags::add);
        n.put("title", l.title());
        n.put("disabled", l.disabled());
        n.put("createdAt", l.createdAt().toString());
        n.put("updatedAt", l.updatedAt().toString());
        return n;
    }

    private static Event event(String id, EventType type, Instant at, ObjectNode data) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", type.wire());
        n.put("timestamp", at.toString());
        n.set("data", data);
        try {
            return new Event(id, type, at, JSON.writeValueAsBytes(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON of event " + id, e);
        }
    }
}
