package dev.shortr.config;

import java.time.Duration;

/**
 * HTTP/2 on the HTTP listener ({@code http2:} in the YAML): h2c by prior knowledge and by upgrade today, h2
 * through ALPN once TLS is on. Every limit here bounds what one connection may make the server hold.
 *
 * @param enabled              answer HTTP/2; off, the listener speaks HTTP/1.x only
 * @param maxConcurrentStreams streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS); more are
 *                             refused with REFUSED_STREAM
 * @param maxHeaderListSize    bytes of one decoded header list (SETTINGS_MAX_HEADER_LIST_SIZE); beyond it the
 *                             stream is refused, beyond 1.25 times it the connection is closed
 * @param initialWindowSize    bytes a client may send on one stream before the server acknowledges them
 *                             (SETTINGS_INITIAL_WINDOW_SIZE)
 * @param connectionWindowSize bytes a client may send over all its streams before the server acknowledges them
 * @param maxResets            RST_STREAM frames a client may send per {@code resetWindow} before its connection
 *                             is closed with ENHANCE_YOUR_CALM (the rapid-reset defence, CVE-2023-44487)
 * @param resetWindow          the window {@code maxResets} counts over, in whole seconds
 */
public record Http2Config(boolean enabled, int maxConcurrentStreams, int maxHeaderListSize, int initialWindowSize,
                          int connectionWindowSize, int maxResets, Duration resetWindow) {
    public Http2Config {
        Setting.HTTP2_MAX_CONCURRENT_STREAMS.require(maxConcurrentStreams);
        Setting.HTTP2_MAX_HEADER_LIST_SIZE.require(maxHeaderListSize);
        Setting.HTTP2_INITIAL_WINDOW_SIZE.require(initialWindowSize);
        Setting.HTTP2_CONNECTION_WINDOW_SIZE.require(connectionWindowSize);
        Setting.HTTP2_MAX_RESETS.require(maxResets);
        Setting.HTTP2_RESET_WINDOW.require(resetWindow);
    }

    public static Http2Config defaults() {
        return new Http2Config(true, 128, 16 * 1024, 65_535, 1 << 20, 200, Duration.ofSeconds(30));
    }
}
