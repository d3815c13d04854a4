package dev.shortr.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * A hook that may answer a body-less GET/HEAD on the event loop before the router runs (the redirect hot
 * path). Implementations must never block.
 */
public interface FastPath {
    /**
     * Answers {@code request} and returns true, or returns false to let the router handle it.
     *
     * @param path the request path without query
     */
    boolean tryServe(ChannelHandlerContext ctx, HttpRequest request, String path, String rawQuery, boolean keepAlive);
}
