package dev.shortr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A hook that may answer a body-less GET/HEAD on the event loop before the router runs (the redirect hot
 * path). Implementations must never block.
 */
public interface FastPath {
    /**
     * Answers {@code request} and returns the status sent, or returns 0 to let the router handle it.
     *
     * @param ctx  writes {@code HttpResponse} objects (through the response encoder)
     * @param wire writes ready-encoded response bytes straight to the socket, past the encoder; replies on
     *             both stay in order because the encoder passes each one on as it is written
     * @param path the request path without query
     */
    int tryServe(ChannelHandlerContext ctx, ChannelHandlerContext wire, HttpRequest request, String path, String rawQuery,
                 boolean keepAlive);
}
