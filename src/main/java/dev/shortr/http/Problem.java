package dev.shortr.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem. {@code type} is a stable slug turned into {@link #TYPE_BASE}{@code slug}, so clients
 * can switch on it.
 *
 * @param errors  per-field problems ({@code [{"field":..., "detail":...}]}), may be empty
 * @param headers extra response headers (Retry-After, Allow, ...)
 */
public record Problem(int status, String type, String title, String detail, List<FieldError> errors,
                      Map<String, String> headers) {
    public static final String TYPE_BASE = "https://shortr.dev/problems/";
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record FieldError(String field, String detail) {}

    public static Problem of(int status, String type, String title, String detail) {
        return new Problem(status, type, title, detail, List.of(), Map.of());
    }

    public Problem withHeaders(Map<String, String> extra) {
        return new Problem(status, type, title, detail, errors, extra);
    }

    public byte[] toJson(String instance) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", TYPE_BASE + type);
        n.put("title", title);
        n.put("status", status);
        if (detail != null) {
            n.put("detail", detail);
        }
        if (instance != null) {
            n.put("instance", instance);
        }
        if (!errors.isEmpty()) {
            ArrayNode a = n.putArray("errors");
            for (FieldError e : errors) {
                a.addObject().put("field", e.field()).put("detail", e.detail());
            }
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public Reply toReply(String instance) {
        Reply r = Reply.of(status, MEDIA_TYPE, toJson(instance));
        headers.forEach(r::header);
        return r;
    }
}
