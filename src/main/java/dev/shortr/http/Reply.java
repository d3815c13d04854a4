package dev.shortr.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A complete response: status, headers, body. Immutable apart from {@link #header} during building. */
public final class Reply {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final byte[] body;

    private Reply(int status, String contentType, byte[] body) {
        this.status = status;
        this.body = body == null ? new byte[0] : body;
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
    }

    public static Reply of(int status, String contentType, byte[] body) {
        return new Reply(status, contentType, body);
    }

    public static Reply json(int status, byte[] json) {
        return new Reply(status, "application/json", json);
    }

    public static Reply html(int status, String html) {
        return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply empty(int status) {
        return new Reply(status, null, null);
    }

    /** Adds or replaces a header (names are lower-cased). */
    public Reply header(String name, String value) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return this;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }
}
