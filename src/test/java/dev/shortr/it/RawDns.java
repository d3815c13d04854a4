package dev.shortr.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * DNS over real sockets for black-box tests, with nothing between the test and the wire: one UDP datagram
 * or one length-prefixed TCP frame per message (RFC 1035 §4.2), no retries, no fallback to TCP.
 */
public final class RawDns {
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private RawDns() {}

    /** A query of {@code type} for {@code name}, with a random ID and no EDNS. */
    public static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    /** The rdata of the answer section, in order: "192.0.2.25", "10 mail.sho.rt.". */
    public static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    /** A one-line summary for assertion messages. */
    public static String describe(Message m) {
        return org.xbill.DNS.Rcode.string(m.getRcode()) + " " + m.getSection(Section.ANSWER).stream().map(Record::toString)
                .collect(Collectors.joining("; ", "[", "]"));
    }

    /** Sends {@code query} over UDP and waits up to {@code timeoutMillis} for the response with its ID. */
    public static Message udp(int port, Message query, int timeoutMillis) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return new Message(exchange(s, port, query.toWire(), timeoutMillis));
        }
    }

    /** The response with the query's ID to {@code wire}, sent from {@code s}; other datagrams are skipped. */
    public static byte[] exchange(DatagramSocket s, int port, byte[] wire, int timeoutMillis) throws IOException {
        s.send(new DatagramPacket(wire, wire.length, LOOPBACK, port));
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        byte[] buf = new byte[65_535];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("no answer within " + timeoutMillis + " ms");
            }
            s.setSoTimeout((int) left);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            if (p.getLength() >= 2 && buf[0] == wire[0] && buf[1] == wire[1]) {
                return java.util.Arrays.copyOf(buf, p.getLength());
            }
        }
    }

    /** {@code wire} with its two-byte length in front, as DNS over TCP sends it. */
    public static byte[] frame(byte[] wire) {
        byte[] out = new byte[wire.length + 2];
        out[0] = (byte) (wire.length >>> 8);
        out[1] = (byte) wire.length;
        System.arraycopy(wire, 0, out, 2, wire.length);
        return out;
    }

    /** Opens a TCP connection to the server, reads time out after {@code timeoutMillis}. */
    public static Socket connect(int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LOOPBACK, port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        s.setTcpNoDelay(true);
        return s;
    }

    /** The next framed message, or null when the server closed the connection before one began. */
    public static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int hi = data.read();
        if (hi < 0) {
            return null;
        }
        int lo = data.read();
        if (lo < 0) {
            throw new EOFException("connection closed inside a length prefix");
        }
        byte[] wire = new byte[hi << 8 | lo];
        data.readFully(wire);
        return wire;
    }

    /** One query over a new TCP connection. */
    public static Message tcp(int port, Message query, int timeoutMillis) throws IOException {
        try (Socket s = connect(port, timeoutMillis)) {
            s.getOutputStream().write(frame(query.toWire()));
            byte[] wire = readFrame(s.getInputStream());
            if (wire == null) {
                throw new EOFException("the server closed the connection without an answer");
            }
            return new Message(wire);
        }
    }
}
