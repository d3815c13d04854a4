package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * DNS over TCP and UDP as RFC 7766 and RFC 5936 want it, on a real listener: pipelined queries answered in
 * order, a query split across writes, truncation over UDP then the whole answer over TCP, idle connections
 * closed (and busy ones not), connections past the limit refused, and zone transfers by address (from
 * 127.0.0.2, not 127.0.0.1) or by TSIG key, including a transfer long enough to span several signed messages.
 */
class DnsTransportIT {
    private static final String SECRET = Base64.getEncoder().encodeToString("transport-test-key-0123456789abcdef".getBytes());
    private static final String WRONG_SECRET = Base64.getEncoder().encodeToString("some-other-key-0123456789abcdefgh".getBytes());
    private static final Name ORIGIN = Name.fromConstantString("sho.rt.");
    private static final Name KEY_NAME = Name.fromConstantString("xfr.sho.rt.");
    private static final InetAddress SECONDARY = address("127.0.0.2");
    /** Names added to the shared zone so that a transfer needs several messages. */
    private static final int HOSTS = 1000;

    @TempDir
    Path dir;

    private DnsRole role;

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        if (role != null) {
            role.close();
        }
    }

    /** The shared test zone, with transfers allowed to 127.0.0.2 and to holders of the key, and many hosts. */
    private int start(int maxTcpConnections, Duration tcpIdle) throws Exception {
        String shared = Files.readString(Path.of("src/test/resources/dns/zone.yaml"));
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < HOSTS; i++) {
            hosts.append("  - \"host").append(i).append(" A 192.0.2.").append(i % 250 + 1).append("\"\n");
        }
        String zone = shared.replace("records:\n", "records:\n" + hosts)
                .replace("allow: [192.0.2.200/32]", "allow: [127.0.0.2/32]\n  tsig: {name: xfr.sho.rt., algorithm: hmac-sha256, secret: \""
                        + SECRET + "\"}");
        assertThat(zone).contains("tsig:", "host999 A");
        Path file = dir.resolve("transport.yaml");
        Files.writeString(file, zone);
        role = DnsRole.start(file, new DnsServer.Settings("127.0.0.1", 0, 1, maxTcpConnections, tcpIdle), GeoLookup.none());
        return role.port();
    }

    private int start() throws Exception {
        return start(64, Duration.ofSeconds(10));
    }

    @Test
    void twoQueriesInOneWriteAreAnsweredInOrder() throws Exception {
        int port = start();
        Message first = RawDns.query("mail.sho.rt.", Type.A);
        Message second = RawDns.query("sho.rt.", Type.MX);
        try (Socket s = RawDns.connect(port, 2000)) {
            byte[] both = concat(RawDns.frame(first.toWire()), RawDns.frame(second.toWire()));
            s.getOutputStream().write(both);
            Message a = new Message(RawDns.readFrame(s.getInputStream()));
            Message b = new Message(RawDns.readFrame(s.getInputStream()));
            assertThat(a.getHeader().getID()).isEqualTo(first.getHeader().getID());
            assertThat(RawDns.answers(a)).containsExactly("192.0.2.25");
            assertThat(b.getHeader().getID()).isEqualTo(second.getHeader().getID());
            assertThat(RawDns.answers(b)).containsExactly("10 mail.sho.rt.");
        }
    }

    @Test
    void aQuerySplitAcrossWritesIsAnswered() throws Exception {
        int port = start();
        Message q = RawDns.query("mail.sho.rt.", Type.A);
        byte[] framed = RawDns.frame(q.toWire());
        try (Socket s = RawDns.connect(port, 2000)) {
            OutputStream out = s.getOutputStream();
            // inside the length prefix, then inside the question
            for (int[] cut : new int[][] {{0, 1}, {1, 9}, {9, framed.length}}) {
                out.write(Arrays.copyOfRange(framed, cut[0], cut[1]));
                out.flush();
                Thread.sleep(100);
            }
            Message m = new Message(RawDns.readFrame(s.getInputStream()));
            assertThat(m.getHeader().getID()).isEqualTo(q.getHeader().getID());
            assertThat(RawDns.answers(m)).containsExactly("192.0.2.25");
        }
    }

    @Test
    void anAnswerTooBigForUdpIsTruncatedAndComesWholeOverTcp() throws Exception {
        int port = start();
        Message plain = RawDns.udp(port, RawDns.query("big.sho.rt.", Type.TXT), 2000);
        assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
        Message edns = RawDns.query("big.sho.rt.", Type.TXT);
        edns.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        byte[] wire;
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket(new InetSocketAddress(RawDns.LOOPBACK, 0))) {
            wire = RawDns.exchange(udp, port, edns.toWire(), 2000);
        }
        assertThat(wire.length).isLessThanOrEqualTo(1232);
        assertThat(new Message(wire).getHeader().getFlag(Flags.TC)).isTrue();
        Message tcp = RawDns.tcp(port, RawDns.query("big.sho.rt.", Type.TXT), 2000);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(8);
    }

    @Test
    void idleConnectionsAreClosedAndBusyOnesAreNot() throws Exception {
        int port = start(64, Duration.ofMillis(500));
        try (Socket idle = RawDns.connect(port, 5000); Socket busy = RawDns.connect(port, 5000)) {
            long start = System.nanoTime();
            // the busy one asks every 200 ms for three idle timeouts
            for (int i = 0; i < 8; i++) {
                Message q = RawDns.query("mail.sho.rt.", Type.A);
                busy.getOutputStream().write(RawDns.frame(q.toWire()));
                assertThat(new Message(RawDns.readFrame(busy.getInputStream())).getHeader().getID()).isEqualTo(q.getHeader().getID());
                Thread.sleep(200);
            }
            assertThat(closed(idle)).as("the idle connection was closed").isTrue();
            System.out.println("idle connection closed within " + (System.nanoTime() - start) / 1_000_000 + " ms");
            Thread.sleep(1000);
            assertThat(closed(busy)).as("the busy connection, idle since its last answer, was closed").isTrue();
        }
    }

    /** Whether the server has closed {@code s}: end of stream or a reset, within the socket's timeout. */
    private static boolean closed(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true; // reset
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Test
    void connectionsPastTheLimitAreRefused() throws Exception {
        int port = start(4, Duration.ofSeconds(10));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = RawDns.connect(port, 2000);
                held.add(s);
                assertThat(ask(s, "mail.sho.rt.")).as("connection %d of 4", i + 1).containsExactly("192.0.2.25");
            }
            try (Socket fifth = RawDns.connect(port, 2000)) {
                fifth.getOutputStream().write(RawDns.frame(RawDns.query("mail.sho.rt.", Type.A).toWire()));
                assertThat(closed(fifth)).as("the fifth connection is closed without an answer").isTrue();
            } catch (SocketException e) {
                // reset while writing: refused just the same
            }
            for (Socket s : held) {
                assertThat(ask(s, "mail.sho.rt.")).containsExactly("192.0.2.25");
            }
            held.removeFirst().close();
            // once the server has seen the close, there is room again
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (true) {
                try (Socket again = RawDns.connect(port, 2000)) {
                    if (ask(again, "mail.sho.rt.").equals(List.of("192.0.2.25"))) {
                        break;
                    }
                } catch (IOException e) {
                    // still full
                }
                assertThat(System.nanoTime()).as("a connection is accepted again after one closed").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static List<String> ask(Socket s, String name) throws IOException {
        Message q = RawDns.query(name, Type.A);
        s.getOutputStream().write(RawDns.frame(q.toWire()));
        byte[] wire = RawDns.readFrame(s.getInputStream());
        if (wire == null) {
            throw new java.io.EOFException("closed");
        }
        return RawDns.answers(new Message(wire));
    }

    @Test
    void anAllowedAddressTransfersTheZoneBetweenTwoSoas() throws Exception {
        int port = start();
        ZoneTransferIn xfr = ZoneTransferIn.newAXFR(ORIGIN, new InetSocketAddress(RawDns.LOOPBACK, port), null);
        xfr.setLocalAddress(new InetSocketAddress(SECONDARY, 0));
        xfr.setTimeout(Duration.ofSeconds(5));
        xfr.run();
        checkWholeZone(xfr.getAXFR());
        // the zone is long enough to take several messages (which the signed transfer below relies on)
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(SECONDARY, 0));
            s.connect(new InetSocketAddress(RawDns.LOOPBACK, port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(RawDns.frame(RawDns.query("sho.rt.", Type.AXFR).toWire()));
            int messages = 0;
            for (int soas = 0; soas < 2; messages++) {
                soas += (int) new Message(RawDns.readFrame(s.getInputStream())).getSection(Section.ANSWER).stream()
                        .filter(r -> r.getType() == Type.SOA).count();
            }
            assertThat(messages).isGreaterThan(1);
        }
        // from anywhere else, unsigned: REFUSED
        assertThat(transferRcode(port, RawDns.query("sho.rt.", Type.AXFR))).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void theTsigKeyTransfersFromAnyAddressAndAWrongKeyIsRefused() throws Exception {
        int port = start();
        // 127.0.0.1 is not allowed, but the key is: every message of a transfer this long is signed and checked
        ZoneTransferIn xfr = ZoneTransferIn.newAXFR(ORIGIN, new InetSocketAddress(RawDns.LOOPBACK, port),
                new TSIG(TSIG.HMAC_SHA256, KEY_NAME, SECRET));
        xfr.setTimeout(Duration.ofSeconds(5));
        xfr.run();
        checkWholeZone(xfr.getAXFR());

        Message wrong = RawDns.query("sho.rt.", Type.AXFR);
        wrong.setTSIG(new TSIG(TSIG.HMAC_SHA256, KEY_NAME, WRONG_SECRET));
        assertThat(transferRcode(port, wrong)).isEqualTo(Rcode.REFUSED);
        Message unknownKey = RawDns.query("sho.rt.", Type.AXFR);
        unknownKey.setTSIG(new TSIG(TSIG.HMAC_SHA256, Name.fromConstantString("other.sho.rt."), SECRET));
        assertThat(transferRcode(port, unknownKey)).isEqualTo(Rcode.REFUSED);
        ZoneTransferIn bad = ZoneTransferIn.newAXFR(ORIGIN, new InetSocketAddress(RawDns.LOOPBACK, port),
                new TSIG(TSIG.HMAC_SHA256, KEY_NAME, WRONG_SECRET));
        bad.setTimeout(Duration.ofSeconds(5));
        assertThatThrownBy(bad::run).isInstanceOf(ZoneTransferException.class);
    }

    /** The RCODE of the first response to {@code query}, sent over TCP from 127.0.0.1. */
    private static int transferRcode(int port, Message query) throws IOException {
        try (Socket s = RawDns.connect(port, 2000)) {
            s.getOutputStream().write(RawDns.frame(query.toWire()));
            InputStream in = s.getInputStream();
            Message m = new Message(RawDns.readFrame(in));
            assertThat(m.getSection(Section.ANSWER)).as("records sent with a refusal").isEmpty();
            return m.getRcode();
        }
    }

    private static void checkWholeZone(List<Record> records) {
        assertThat(records.getFirst().getType()).isEqualTo(Type.SOA);
        assertThat(records.getLast().getType()).isEqualTo(Type.SOA);
        assertThat(records.stream().filter(r -> r.getType() == Type.SOA)).hasSize(2);
        assertThat(records).extracting(Record::rdataToString).contains("192.0.2.25", "10 mail.sho.rt.", "198.51.100.3");
        assertThat(records.stream().filter(r -> r.getName().toString().startsWith("host"))).hasSize(HOSTS);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
