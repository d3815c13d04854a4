package dev.shortr.http;

import io.netty.channel.ChannelHandlerContext;

/**
 * A hook that may answer a body-less GET/HEAD on the event loop, straight from the connection's bytes (HTTP/1.x)
 * or the decoded header list (HTTP/2, HTTP/3), before the router sees it (the redirect hot path). Implementations must
 * never block.
 */
public interface FastPath {
    /**
     * Answers {@code head} and returns the status sent, or returns 0 to let the router handle it.
     *
     * @param objects writes {@code HttpResponse} objects (through the response encoder)
     * @param wire    writes ready-encoded response bytes straight to the socket; replies written on either
     *                stay in order, since both are written synchronously on the event loop
     * @param head    the request; valid only during this call
     */
    int tryServe(ChannelHandlerContext objects, ChannelHandlerContext wire, RequestHead head);

    /**
     * The same for a request whose head a codec has decoded (HTTP/2, HTTP/3): answers through {@code head}'s send methods and
     * returns the status sent, or returns 0, having sent nothing, to let the router handle it.
     *
     * @param head the request; valid only during this call
     */
    default int tryServe(DecodedHead head) {
        return 0;
    }
}
