package dev.shortr.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A complete response: status, headers, body. Immutable apart from {@link #header} during building. */
public final class Reply {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final byte[] body;
    private Streamer stream;

    /** Writes a body too big to hold in memory, piece by piece, on the request's virtual thread. */
    @FunctionalInterface
    public interface Streamer {
        void writeTo(java.io.OutputStream out) throws java.io.IOException;
    }

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

    /** A reply sent with chunked transfer encoding as {@code streamer} writes it; no ETag, no Content-Length. */
    public static Reply stream(int status, String contentType, Streamer streamer) {
        Reply r = new Reply(status, contentType, null);
        r.stream = streamer;
        return r;
    }

    /** The body's writer when the reply is streamed, else null. */
    public Streamer stream() {
        return stream;
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
