package dev.shortr.http;

import io.netty.util.AsciiString;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The {@code Date} header value, formatted once per second instead of once per response. */
public final class HttpDate {
    private static volatile AsciiString now = format();
    private static volatile byte[] bytes = now.toByteArray();

    private HttpDate() {}

    public static AsciiString now() {
        return now;
    }

    /** The same value as US-ASCII bytes, for responses encoded by hand. */
    public static byte[] bytes() {
        return bytes;
    }

    static void refresh() {
        AsciiString next = format();
        bytes = next.toByteArray();
        now = next;
    }

    private static AsciiString format() {
        return AsciiString.cached(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
    }
}
