package dev.shortr.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;

/**
 * The head of a body-less {@code GET} or {@code HEAD} that a codec has already decoded into a header list (an
 * HTTP/3 request stream's HEADERS frame), for the {@link FastPath}: the counterpart of {@link RequestHead}, which
 * reads HTTP/1.1 straight from the bytes. Valid only during {@link FastPath#tryServe(DecodedHead)}; answers go out
 * on the request's own stream, on the event loop.
 */
public interface DecodedHead {
    boolean isHead();

    default String method() {
        return isHead() ? "HEAD" : "GET";
    }

    /** The path without the query, as sent (still percent-encoded); may be a view valid only during the call. */
    CharSequence pathChars();

    /** What follows the first {@code ?}, or null when there is none. */
    String rawQuery();

    /** The whole target, for logs. */
    String uri();

    /** The first value of header {@code lowerCaseName}, or null (names are lower case on the wire). */
    String header(CharSequence lowerCaseName);

    InetSocketAddress remote();

    /**
     * Answers with a redirect: {@code status}, {@code location}, {@code cache-control}, {@code x-robots-tag:
     * noindex}, no body, and the headers every answer of the connection carries. Header values are ASCII the caller
     * has already checked.
     *
     * @param more         more headers, as lower-case name and value in turn (a CDN's key and lifetime), or null
     * @param serverTiming the {@code server-timing} value, or null for none
     */
    void sendRedirect(HttpResponseStatus status, CharSequence location, CharSequence cacheControl, CharSequence[] more,
                      CharSequence serverTiming);

    /** Answers with a complete reply (its body left out for a HEAD). */
    void send(Reply reply);
}
