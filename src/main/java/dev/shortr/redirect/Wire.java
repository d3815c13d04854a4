package dev.shortr.redirect;

import java.nio.charset.StandardCharsets;

/**
 * Byte runs of a redirect response, encoded once. A redirect is written as: status line and
 * {@code location: }, the target, {@code cache-control: }, its value, the fixed headers, the date, the end.
 */
final class Wire {
    private Wire() {}

    private static final int[] STATUSES = {301, 302, 307, 308};
    static final byte[][] STATUS_AND_LOCATION = {
            ascii("HTTP/1.1 301 Moved Permanently\r\nlocation: "),
            ascii("HTTP/1.1 302 Found\r\nlocation: "),
            ascii("HTTP/1.1 307 Temporary Redirect\r\nlocation: "),
            ascii("HTTP/1.1 308 Permanent Redirect\r\nlocation: ")};
    static final byte[] CACHE_CONTROL = ascii("\r\ncache-control: ");
    static final byte[] FIXED = ascii("\r\nx-robots-tag: noindex\r\ncontent-length: 0\r\nserver: shortr\r\ndate: ");
    static final byte[] SERVER_TIMING = ascii("\r\nserver-timing: app;dur=");
    static final byte[] END = ascii("\r\n\r\n");
    static final byte[] END_KEEP_ALIVE = ascii("\r\nconnection: keep-alive\r\n\r\n");
    static final byte[] END_CLOSE = ascii("\r\nconnection: close\r\n\r\n");

    /** Writes {@code nanos} as milliseconds with three decimals ({@code 0.004}), in ASCII, without garbage. */
    static void writeMillis(io.netty.buffer.ByteBuf buf, long nanos) {
        long micros = Math.max(0, nanos / 1000);
        long whole = micros / 1000;
        if (whole == 0) {
            buf.writeByte('0');
        } else {
            io.netty.buffer.ByteBufUtil.writeAscii(buf, Long.toString(whole));
        }
        long frac = micros % 1000;
        buf.writeByte('.');
        buf.writeByte('0' + (int) (frac / 100));
        buf.writeByte('0' + (int) (frac / 10 % 10));
        buf.writeByte('0' + (int) (frac % 10));
    }

    static int slot(int status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a redirect status: " + status);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
