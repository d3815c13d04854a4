package dev.shortr.webhook;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP/1.1 of a delivery (RFC 9112): one POST on a connection of its own ({@code connection: close}), and of
 * the answer only what the delivery log keeps, the final status and, unless it is a 2xx, the first bytes of the
 * body. Works on streams, so it is tested without sockets.
 */
final class Exchange {
    /** Status line and header fields of an answer; a receiver that sends more is broken or hostile. */
    static final int MAX_HEAD_BYTES = 64 << 10;
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.\\d (\\d{3})(?: .*)?");

    /** The final status and, unless it is a 2xx (whose body is never read), up to the bytes asked for of the body. */
    record Answer(int status, byte[] body) {}

    private Exchange() {}

    /**
     * {@code POST} to the path and query of {@code url}, with {@code host} from it, the given header fields,
     * {@code content-length} and {@code connection: close}, then the body.
     *
     * @throws IllegalArgumentException when a field value holds a character a header cannot carry
     */
    static byte[] request(URI url, SequencedMap<String, String> fields, byte[] body) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        StringBuilder head = new StringBuilder(512).append("POST ").append(path)
                .append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery()).append(" HTTP/1.1\r\n");
        field(head, "host", url.getRawAuthority());
        fields.forEach((name, value) -> field(head, name, value));
        field(head, "content-length", Integer.toString(body.length));
        field(head, "connection", "close");
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    private static void field(StringBuilder head, String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c >= 0x7f) { // CR or LF would end the field: header injection
                throw new IllegalArgumentException(name + " holds a character a header cannot carry");
            }
        }
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /**
     * Reads an answer up to its final status (skipping 1xx interim answers) and, unless that is a 2xx, up to
     * {@code keep} bytes of its body, framed by {@code transfer-encoding: chunked}, {@code content-length} or the
     * end of the connection. A body cut short is kept as far as it came.
     *
     * @throws EOFException      when the connection ends before the status and header fields are complete
     * @throws ProtocolException when what comes is not an HTTP/1.x answer, or its head is too long
     */
    static Answer read(InputStream in, int keep) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        int status;
        Map<String, String> fields;
        do {
            String line = line(in, budget, true);
            Matcher m = STATUS_LINE.matcher(line);
            if (!m.matches()) {
                String start = line.length() > 40 ? line.substring(0, 40) : line;
                throw new ProtocolException("not an HTTP/1.1 answer: " + Sender.oneLine(start));
            }
            status = Integer.parseInt(m.group(1));
            fields = fields(in, budget);
        } while (status / 100 == 1 && status != 101); // 100 Continue, 103 Early Hints: the answer follows
        if (status / 100 == 2 || status / 100 == 1 || status == 304) { // no body, or one never needed
            return new Answer(status, new byte[0]);
        }
        String coding = fields.get("transfer-encoding");
        String length = fields.get("content-length");
        if (coding != null && coding.toLowerCase(Locale.ROOT).strip().endsWith("chunked")) {
            return new Answer(status, chunked(in, keep));
        }
        if (coding == null && length != null) {
            if (!length.matches("[0-9]{1,18}")) {
                throw new ProtocolException("content-length is not a number: " + Sender.oneLine(length));
            }
            return new Answer(status, in.readNBytes((int) Math.min(keep, Long.parseLong(length))));
        }
        return new Answer(status, in.readNBytes(keep)); // delimited by the end of the connection
    }

    private static Map<String, String> fields(InputStream in, int[] budget) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String line = line(in, budget, false); !line.isEmpty(); line = line(in, budget, false)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                fields.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
        }
        return fields;
    }

    private static byte[] chunked(InputStream in, int keep) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(keep);
        int[] budget = {MAX_HEAD_BYTES};
        while (out.size() < keep) {
            String line;
            try {
                line = line(in, budget, false);
            } catch (EOFException e) {
                break; // cut short: keep what came
            }
            int semicolon = line.indexOf(';'); // chunk extensions
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (size.isEmpty() || size.length() > 8 || !size.matches("[0-9a-fA-F]+")) {
                throw new ProtocolException("bad chunk size: " + Sender.oneLine(line));
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                break;
            }
            byte[] data = in.readNBytes((int) Math.min(n, keep - out.size()));
            out.write(data, 0, data.length);
            if (data.length < n) {
                break; // kept enough, or the connection ended
            }
            in.readNBytes(2); // the CRLF after the chunk
        }
        return out.toByteArray();
    }

    /** One line without its CRLF (or bare LF), as ISO-8859-1, counted against {@code budget}. */
    private static String line(InputStream in, int[] budget, boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException(first && line.size() == 0 && budget[0] == MAX_HEAD_BYTES
                        ? "the connection closed without an answer" : "the connection closed in the middle of the answer");
            }
            if (--budget[0] < 0) {
                throw new ProtocolException("the answer's head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            line.write(b);
        }
        budget[0]--;
        byte[] bytes = line.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
    }
}
