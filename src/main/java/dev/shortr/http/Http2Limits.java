package dev.shortr.http;

/**
 * What one HTTP/2 connection may make the server hold; the node's {@code http2:} settings, in this
 * package's terms.
 *
 * @param maxConcurrentStreams streams open at once per connection; more are refused (REFUSED_STREAM)
 * @param maxHeaderListSize    decoded bytes of one header list; past it the stream gets 431, past 1.25 times it
 *                             the connection is closed
 * @param initialWindowSize    bytes a client may send on one stream before the server acknowledges them
 * @param connectionWindowSize the same over all of a connection's streams
 * @param maxResets            RST_STREAM frames a client may send per {@code resetWindowSeconds}; one more and
 *                             the connection ends with GOAWAY(ENHANCE_YOUR_CALM)
 * @param resetWindowSeconds   the window {@code maxResets} counts over
 */
public record Http2Limits(int maxConcurrentStreams, int maxHeaderListSize, int initialWindowSize, int connectionWindowSize,
                          int maxResets, int resetWindowSeconds) {}
