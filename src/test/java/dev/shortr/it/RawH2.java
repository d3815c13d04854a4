package dev.shortr.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames written by hand over a plain socket (h2c by prior knowledge), for what no well-behaved client
 * sends: resets in a loop, header blocks that decompress to megabytes, endless CONTINUATION frames. HPACK is
 * written by hand too, with only the representations those need (RFC 7541 §6).
 */
final class RawH2 implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int GOAWAY = 0x7;
    static final int CONTINUATION = 0x9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    /** RFC 9113 §7 error codes. */
    static final int PROTOCOL_ERROR = 0x1;
    static final int CANCEL = 0x8;
    static final int ENHANCE_YOUR_CALM = 0xb;

    /** One frame read back; {@code payload} is its whole payload. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        /** A GOAWAY's or RST_STREAM's error code. */
        int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long written;

    /** Connects, sends the client preface and an empty SETTINGS frame. */
    RawH2(int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frame(SETTINGS, 0, 0, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes written so far, preface included. */
    long written() {
        return written;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        write(frameBytes(type, flags, stream, payload));
    }

    static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    static byte[] rstStream(int errorCode) {
        return new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16), (byte) (errorCode >>> 8), (byte) errorCode};
    }

    /**
     * The HPACK block of {@code GET path} over http to localhost: {@code :method GET} and {@code :scheme http}
     * from the static table, {@code :path} and {@code :authority} as literals without indexing.
     */
    static Hpack get(String path) {
        return new Hpack().indexed(2).indexed(6).literal(4, path).literal(1, "localhost");
    }

    /** The next frame, or null at the end of the stream (the server closed the connection). */
    Frame read() throws IOException {
        byte[] head = new byte[9];
        try {
            in.readFully(head);
        } catch (EOFException e) {
            return null;
        }
        int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        int stream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8) | (head[8] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(head[3] & 0xff, head[4] & 0xff, stream, payload);
    }

    /**
     * Reads until the server sends GOAWAY and then closes; returns the GOAWAY. Fails when the connection stays
     * open for {@code seconds} without one, or closes without one.
     */
    Frame awaitGoAwayAndClose(int seconds) throws IOException {
        socket.setSoTimeout(seconds * 1000);
        Frame goAway = null;
        try {
            for (Frame f = read(); f != null; f = read()) {
                if (f.type() == GOAWAY && goAway == null) {
                    goAway = f;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + seconds + " s"
                    + (goAway == null ? " and sent no GOAWAY" : " after its GOAWAY"));
        } catch (IOException e) {
            // a reset after the GOAWAY (the server closed with our bytes unread) ends the connection as well
            if (goAway == null) {
                throw e;
            }
        }
        if (goAway == null) {
            throw new AssertionError("the server closed the connection without a GOAWAY");
        }
        return goAway;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the server already reset
        }
    }

    /** An HPACK header block under construction. */
    static final class Hpack {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        /** An indexed header field (§6.1): one entry of the static (1-61) or dynamic (62-) table. */
        Hpack indexed(int index) {
            integer(0x80, 7, index);
            return this;
        }

        /** A literal without indexing whose name is static table entry {@code nameIndex} (§6.2.2). */
        Hpack literal(int nameIndex, String value) {
            integer(0x00, 4, nameIndex);
            string(value);
            return this;
        }

        /** A literal with incremental indexing and a new name (§6.2.1): it becomes dynamic entry 62. */
        Hpack indexedLiteral(String name, String value) {
            bytes.write(0x40);
            string(name);
            string(value);
            return this;
        }

        int size() {
            return bytes.size();
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }

        private void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            integer(0x00, 7, b.length); // no Huffman coding
            bytes.writeBytes(b);
        }

        /** §5.1: an integer with an N-bit prefix, after the pattern bits {@code first}. */
        private void integer(int first, int prefixBits, int value) {
            int max = (1 << prefixBits) - 1;
            if (value < max) {
                bytes.write(first | value);
                return;
            }
            bytes.write(first | max);
            value -= max;
            while (value >= 128) {
                bytes.write((value & 0x7f) | 0x80);
                value >>>= 7;
            }
            bytes.write(value);
        }
    }
}
