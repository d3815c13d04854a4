package dev.shortr.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;

/**
 * The head of a body-less HTTP/2 {@code GET} or {@code HEAD} stream, for the {@link FastPath}: HTTP/2's
 * counterpart of {@link RequestHead}. The HPACK decoder has already made the header list; this reads it in
 * place and allocates nothing until somebody asks for a header's value. One instance per connection is reused
 * for every stream, so it is valid only during {@link FastPath#tryServe(DecodedHead)}; answers are written on the
 * stream it names, on the event loop, and flushed when the connection's read ends.
 */
public final class StreamHead implements DecodedHead {
    private final Http2Handler connection;
    private final InetSocketAddress remote;
    private int streamId;
    private Http2Headers headers;
    private AsciiString target;
    private boolean head;
    private int queryAt;

    StreamHead(Http2Handler connection, InetSocketAddress remote) {
        this.connection = connection;
        this.remote = remote;
    }

    /** Points this head at a new stream; {@code target} is its {@code :path}, already checked to start with '/'. */
    void reset(int streamId, Http2Headers headers, AsciiString target, boolean head) {
        this.streamId = streamId;
        this.headers = headers;
        this.target = target;
        this.head = head;
        this.queryAt = target.indexOf('?', 0);
    }

    @Override
    public boolean isHead() {
        return head;
    }

    /** The path without the query, as sent (still percent-encoded); a view that copies nothing. */
    @Override
    public CharSequence pathChars() {
        return queryAt < 0 ? target : target.subSequence(0, queryAt, false);
    }

    /** What follows the first {@code ?}, or null when there is none. */
    @Override
    public String rawQuery() {
        return queryAt < 0 ? null : target.toString(queryAt + 1);
    }

    /** The whole {@code :path}, for logs. */
    @Override
    public String uri() {
        return target.toString();
    }

    /** The first value of header {@code lowerCaseName}, or null (HTTP/2 names are lower case on the wire). */
    @Override
    public String header(CharSequence lowerCaseName) {
        CharSequence v = headers.get(lowerCaseName);
        return v == null ? null : v.toString();
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public void sendRedirect(HttpResponseStatus status, CharSequence location, CharSequence cacheControl, CharSequence[] more,
                             CharSequence serverTiming) {
        connection.writeRedirect(streamId, status, location, cacheControl, more, serverTiming);
    }

    /** Answers with a complete reply (its body left out for a HEAD). */
    @Override
    public void send(Reply reply) {
        connection.writeReply(streamId, reply, head);
    }
}
