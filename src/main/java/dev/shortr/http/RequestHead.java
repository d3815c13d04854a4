package dev.shortr.http;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The head of a body-less {@code GET} or {@code HEAD}, parsed straight from the connection's bytes for the
 * {@link FastPath}. One instance per connection is reused for every request: parsing records offsets and
 * allocates nothing; only the path, and the headers somebody asks for, become strings.
 *
 * <p>The parser is deliberately narrow. It accepts only what it can answer without a doubt: an origin-form
 * target of visible ASCII, {@code HTTP/1.1} or {@code HTTP/1.0}, well-formed header lines ended by CRLF, no
 * body, and no {@code Upgrade}, {@code Expect} or unusual {@code Connection} header. Everything else is
 * {@link #NOT_MINE}, and goes to Netty's full decoder, which answers it or rejects it properly.
 */
public final class RequestHead {
    /** {@link #parse} result: the bytes so far are the start of a head; read more. */
    static final int INCOMPLETE = -1;
    /** {@link #parse} result: a request this parser does not take; give it to the full decoder. */
    static final int NOT_MINE = -2;

    static final int MAX_HEAD_BYTES = 8 * 1024;
    private static final int MAX_HEADERS = 64;
    private static final byte[] GET = ascii("GET ");
    private static final byte[] HEAD = ascii("HEAD ");
    private static final byte[] HTTP_1_ = ascii(" HTTP/1.");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] UPGRADE = ascii("upgrade");
    private static final byte[] EXPECT = ascii("expect");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] ZERO = ascii("0");

    private ByteBuf buf;
    private SocketAddress remote;
    private boolean head;
    private boolean http10;
    private boolean keepAlive;
    private int targetStart;
    private int targetEnd;
    private int queryAt; // index of '?', or -1
    /** Per header: name start, name end, value start, value end (trimmed), as absolute buffer indexes. */
    private final int[] headers = new int[MAX_HEADERS * 4];
    private int headerCount;
    private String path;
    private final PathView pathView = new PathView();
    private final byte[] responseHeaders;

    RequestHead() {
        this(new byte[0]);
    }

    /** @param responseHeaders what {@link #responseHeaders()} returns for every request on this connection */
    RequestHead(byte[] responseHeaders) {
        this.responseHeaders = responseHeaders;
    }

    /**
     * Parses the head starting at {@code buf}'s reader index. Returns the index just past the head's final
     * CRLF when it is complete and acceptable, else {@link #INCOMPLETE} or {@link #NOT_MINE}. On success the
     * accessors describe this request until the next call; the buffer must stay alive meanwhile.
     */
    int parse(ByteBuf buf, SocketAddress remote) {
        this.buf = buf;
        this.remote = remote;
        this.path = null;
        this.headerCount = 0;
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int limit = Math.min(end, start + MAX_HEAD_BYTES);
        int i = start;
        int m = matches(buf, i, end, GET) ? GET.length : matches(buf, i, end, HEAD) ? HEAD.length : 0;
        if (m == 0) {
            return prefixOf(buf, i, end, GET) || prefixOf(buf, i, end, HEAD) ? INCOMPLETE : NOT_MINE;
        }
        head = m == HEAD.length;
        i += m;
        // request target: origin form, visible ASCII only
        targetStart = i;
        queryAt = -1;
        if (i < limit && buf.getByte(i) != '/') {
            return NOT_MINE;
        }
        for (; i < limit; i++) {
            byte b = buf.getByte(i);
            if (b == ' ') {
                break;
            }
            if (b < 0x21 || b > 0x7e) {
                return NOT_MINE;
            }
            if (b == '?' && queryAt < 0) {
                queryAt = i;
            }
        }
        if (i >= limit) {
            return tooShort(start, end, limit);
        }
        targetEnd = i;
        if (targetEnd == targetStart) {
            return NOT_MINE;
        }
        // " HTTP/1.1\r\n" or " HTTP/1.0\r\n"
        if (end - i < HTTP_1_.length + 3) {
            return tooShort(start, end, limit);
        }
        if (!matches(buf, i, end, HTTP_1_)) {
            return NOT_MINE;
        }
        i += HTTP_1_.length;
        byte minor = buf.getByte(i);
        if ((minor != '1' && minor != '0') || buf.getByte(i + 1) != '\r' || buf.getByte(i + 2) != '\n') {
            return NOT_MINE;
        }
        http10 = minor == '0';
        i += 3;
        boolean close = false;
        boolean keepAliveAsked = false;
        while (true) {
            if (i + 1 >= limit) {
                return tooShort(start, end, limit);
            }
            byte b = buf.getByte(i);
            if (b == '\r') {
                if (buf.getByte(i + 1) != '\n') {
                    return NOT_MINE;
                }
                i += 2;
                break;
            }
            if (headerCount == MAX_HEADERS) {
                return NOT_MINE;
            }
            int nameStart = i;
            for (; i < limit; i++) {
                b = buf.getByte(i);
                if (b == ':') {
                    break;
                }
                if (!isTokenChar(b)) {
                    return NOT_MINE; // also catches obs-fold (a line starting with a space) and bare LF
                }
            }
            if (i >= limit) {
                return tooShort(start, end, limit);
            }
            int nameEnd = i;
            if (nameEnd == nameStart) {
                return NOT_MINE;
            }
            i++;
            while (i < limit && (buf.getByte(i) == ' ' || buf.getByte(i) == '\t')) {
                i++;
            }
            int valueStart = i;
            for (; i < limit; i++) {
                int v = buf.getUnsignedByte(i);
                if (v == '\r') {
                    break;
                }
                if ((v < 0x20 && v != '\t') || v == 0x7f) {
                    return NOT_MINE;
                }
            }
            if (i + 1 >= limit) {
                return tooShort(start, end, limit);
            }
            if (buf.getByte(i + 1) != '\n') {
                return NOT_MINE;
            }
            int valueEnd = i;
            while (valueEnd > valueStart && (buf.getByte(valueEnd - 1) == ' ' || buf.getByte(valueEnd - 1) == '\t')) {
                valueEnd--;
            }
            i += 2;
            int length = nameEnd - nameStart;
            if (length == CONTENT_LENGTH.length && nameIs(nameStart, CONTENT_LENGTH)) {
                if (!valueIs(valueStart, valueEnd, ZERO)) {
                    return NOT_MINE; // a GET with a body: rare, and the full decoder frames it
                }
            } else if ((length == TRANSFER_ENCODING.length && nameIs(nameStart, TRANSFER_ENCODING))
                    || (length == UPGRADE.length && nameIs(nameStart, UPGRADE))
                    || (length == EXPECT.length && nameIs(nameStart, EXPECT))) {
                return NOT_MINE;
            } else if (length == CONNECTION.length && nameIs(nameStart, CONNECTION)) {
                if (valueIs(valueStart, valueEnd, CLOSE)) {
                    close = true;
                } else if (valueIs(valueStart, valueEnd, KEEP_ALIVE)) {
                    keepAliveAsked = true;
                } else {
                    return NOT_MINE; // lists and other options: leave them to the full decoder
                }
            }
            int h = headerCount++ * 4;
            headers[h] = nameStart;
            headers[h + 1] = nameEnd;
            headers[h + 2] = valueStart;
            headers[h + 3] = valueEnd;
        }
        keepAlive = !close && (!http10 || keepAliveAsked);
        return i;
    }

    /** Out of bytes before the head ended: wait for more, unless the head is already too long for us. */
    private static int tooShort(int start, int end, int limit) {
        return limit < end || limit - start >= MAX_HEAD_BYTES ? NOT_MINE : INCOMPLETE;
    }

    public boolean isHead() {
        return head;
    }

    public String method() {
        return head ? "HEAD" : "GET";
    }

    public boolean http10() {
        return http10;
    }

    public boolean keepAlive() {
        return keepAlive;
    }

    /** The path without the query, as sent (still percent-encoded). */
    public String path() {
        if (path == null) {
            int end = queryAt < 0 ? targetEnd : queryAt;
            path = buf.toString(targetStart, end - targetStart, StandardCharsets.US_ASCII);
        }
        return path;
    }

    /**
     * The path as a view of the request's bytes, valid only during the call: reading it allocates nothing,
     * and {@code subSequence} returns a {@code String} of just that part.
     */
    public CharSequence pathChars() {
        return path != null ? path : pathView;
    }

    private final class PathView implements CharSequence {
        @Override
        public int length() {
            return (queryAt < 0 ? targetEnd : queryAt) - targetStart;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length()) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) buf.getUnsignedByte(targetStart + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            if (start < 0 || end > length() || start > end) {
                throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + length());
            }
            return buf.toString(targetStart + start, end - start, StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return path();
        }
    }

    /** What follows the first {@code ?}, or null when there is none. */
    public String rawQuery() {
        return queryAt < 0 ? null : buf.toString(queryAt + 1, targetEnd - queryAt - 1, StandardCharsets.US_ASCII);
    }

    /** The whole request target, for logs. */
    public String uri() {
        return buf.toString(targetStart, targetEnd - targetStart, StandardCharsets.US_ASCII);
    }

    /** The first value of header {@code lowerCaseName}, or null; bytes above 0x7f are read as ISO-8859-1. */
    public String header(String lowerCaseName) {
        return header(lowerCaseName.getBytes(StandardCharsets.US_ASCII));
    }

    /** As {@link #header(String)}, with the name already in lower-case ASCII bytes: allocates only the value. */
    public String header(byte[] name) {
        for (int h = 0; h < headerCount * 4; h += 4) {
            if (headers[h + 1] - headers[h] == name.length && nameIs(headers[h], name)) {
                return buf.toString(headers[h + 2], headers[h + 3] - headers[h + 2], StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /**
     * Header lines every response on this connection carries, ready to write after a response's last header
     * value: each is CRLF, name, colon, value (HTTPS: {@code Strict-Transport-Security}). Empty on cleartext.
     * Do not modify.
     */
    public byte[] responseHeaders() {
        return responseHeaders;
    }

    public InetSocketAddress remote() {
        return remote instanceof InetSocketAddress a ? a : null;
    }

    private boolean nameIs(int at, byte[] lower) {
        for (int k = 0; k < lower.length; k++) {
            if ((buf.getByte(at + k) | 0x20) != lower[k]) {
                return false;
            }
        }
        return true;
    }

    private boolean valueIs(int start, int end, byte[] lower) {
        if (end - start != lower.length) {
            return false;
        }
        for (int k = 0; k < lower.length; k++) {
            byte b = buf.getByte(start + k);
            if (b != lower[k] && (b | 0x20) != lower[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(ByteBuf buf, int at, int end, byte[] what) {
        if (end - at < what.length) {
            return false;
        }
        for (int k = 0; k < what.length; k++) {
            if (buf.getByte(at + k) != what[k]) {
                return false;
            }
        }
        return true;
    }

    /** True when the bytes from {@code at} to {@code end} (fewer than {@code what}) could still become it. */
    private static boolean prefixOf(ByteBuf buf, int at, int end, byte[] what) {
        if (end - at >= what.length) {
            return false;
        }
        for (int k = 0; at + k < end; k++) {
            if (buf.getByte(at + k) != what[k]) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 tchar. */
    private static boolean isTokenChar(byte b) {
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')) {
            return true;
        }
        return switch (b) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
