package dev.shortr.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One HTTP/1.1 GET on a connected (and perhaps TLS) socket; reads the answer's head, never the body. */
final class Http1Exchange {
    /** A head longer than this is not a redirect we can read. */
    static final int MAX_HEAD = 64 * 1024;

    private Http1Exchange() {}

    /** Sends {@code method} (GET, or HEAD for a warm-up) and reads the answer's head. */
    static Measurement.Http exchange(Socket s, Target t, String method, String userAgent) throws IOException, LayerFailure {
        String request = method + " " + t.path() + " HTTP/1.1\r\nHost: " + t.authority() + "\r\nUser-Agent: " + userAgent
                + "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        long sent = System.nanoTime();
        InputStream in = s.getInputStream();
        int b = in.read();
        long first = System.nanoTime();
        if (b < 0) {
            throw new LayerFailure(Layer.HTTP, "the server closed the connection without answering");
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(b);
        // until the blank line that ends the head
        int tail = b;
        while (!(tail == 0x0d0a0d0a || (tail & 0xffff) == 0x0a0a)) {
            b = in.read();
            if (b < 0) {
                break;
            }
            if (head.size() >= MAX_HEAD) {
                throw new LayerFailure(Layer.HTTP, "the answer's head is longer than " + MAX_HEAD + " bytes");
            }
            head.write(b);
            tail = (tail << 8) | b;
        }
        return parse(head.toString(StandardCharsets.ISO_8859_1), Duration.ofNanos(first - sent));
    }

    /** Reads a status line and header fields; {@code took} is the time to the first byte. */
    static Measurement.Http parse(String head, Duration took) throws LayerFailure {
        String[] lines = head.split("\r?\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}")) {
            throw new LayerFailure(Layer.HTTP, "not an HTTP/1.x answer: '" + printable(lines[0]) + "'");
        }
        List<Measurement.Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (line.isEmpty() || colon <= 0 || line.startsWith(" ") || line.startsWith("\t")) {
                continue; // the end, or an obsolete fold (RFC 9112 §5.2) we do not need
            }
            headers.add(new Measurement.Header(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()));
        }
        return new Measurement.Http(status[0], Integer.parseInt(status[1]), List.copyOf(headers), took);
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
