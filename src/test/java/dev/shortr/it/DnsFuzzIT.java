package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The listener survives hostile input: for a few seconds, random packets and mutated queries (bit flips,
 * truncations, absurd counts, compression loops, huge labels, broken EDNS and ECS, responses, every opcode) go
 * at a running server over UDP and TCP, while a loop of ordinary queries must keep getting correct answers,
 * each within a second. Every fuzz packet with a readable header that is not a response must get a
 * well-formed response with its ID (FORMERR at worst); responses and runts must get nothing. Runs from a
 * fixed seed, printed, so a failure can be replayed: {@code -Ddns.fuzz.seed=N}.
 */
class DnsFuzzIT {
    private static final long SEED = Long.getLong("dns.fuzz.seed", 20_261_125L);
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(8);
    private static final int ANSWER_MILLIS = 1000;

    /** What came back, by kind and RCODE, and everything that went wrong, shared by the fuzzing threads. */
    static final class Tally {
        final Map<FuzzPackets.Kind, AtomicLong> sent = Collections.synchronizedMap(new EnumMap<>(FuzzPackets.Kind.class));
        final Map<String, AtomicLong> outcomes = Collections.synchronizedMap(new TreeMap<>());
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        void count(Map<? super FuzzPackets.Kind, AtomicLong> map, FuzzPackets.Kind k) {
            map.computeIfAbsent(k, x -> new AtomicLong()).incrementAndGet();
        }

        void outcome(String transport, String what) {
            outcomes.computeIfAbsent(transport + " " + what, x -> new AtomicLong()).incrementAndGet();
        }

        long outcome(String what) {
            synchronized (outcomes) {
                return outcomes.entrySet().stream().filter(e -> e.getKey().endsWith(" " + what)).mapToLong(e -> e.getValue().get()).sum();
            }
        }

        void fail(String what) {
            if (failures.size() < 50) {
                failures.add(what);
            }
        }
    }


    /** Checks a response to {@code c}: well-formed, a response, with the query's ID; counts its RCODE. */
    private static void checkResponse(String transport, FuzzPackets.Case c, byte[] reply, Tally tally) {
        Message m;
        try {
            m = new Message(reply);
        } catch (IOException e) {
            tally.fail(transport + ": malformed response " + HexFormat.of().formatHex(reply) + " (" + e.getMessage() + ") to " + c);
            return;
        }
        if (!m.getHeader().getFlag(Flags.QR) || reply[0] != c.wire()[0] || reply[1] != c.wire()[1]) {
            tally.fail(transport + ": not a response to the query, or another ID: " + m.getHeader() + " to " + c);
        }
        if (c.kind() == FuzzPackets.Kind.OPCODE && c.opcode() != 0 && m.getRcode() != Rcode.NOTIMP) {
            tally.fail(transport + ": opcode " + c.opcode() + " got " + Rcode.string(m.getRcode()) + ", not NOTIMP: " + c);
        }
        tally.outcome(transport, Rcode.string(m.getRcode()));
    }

    private static void fuzzUdp(int port, long seed, long until, Tally tally) throws IOException {
        FuzzPackets packets = new FuzzPackets(new Random(seed));
        byte[] buf = new byte[65_535];
        int id = 0;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(RawDns.LOOPBACK, 0))) {
            while (System.nanoTime() < until) {
                FuzzPackets.Case c = packets.next();
                byte[] w = c.wire();
                if (w.length >= 2) { // a fresh ID each time, so that a reply tells which packet it answers
                    w[0] = (byte) (++id >>> 8);
                    w[1] = (byte) id;
                }
                tally.count(tally.sent, c.kind());
                s.send(new DatagramPacket(w, w.length, RawDns.LOOPBACK, port));
                if (!c.answerable()) {
                    tally.outcome("udp", "dropped");
                    continue;
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_MILLIS);
                while (true) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        tally.fail("udp: no response within " + ANSWER_MILLIS + " ms to " + c);
                        break;
                    }
                    s.setSoTimeout((int) left);
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    byte[] reply = Arrays.copyOf(buf, p.getLength());
                    if (reply.length >= 2 && reply[0] == w[0] && reply[1] == w[1]) {
                        checkResponse("udp", c, reply, tally);
                        break;
                    }
                    tally.fail("udp: a response to a packet that should have had none: " + HexFormat.of().formatHex(reply));
                }
            }
            // anything still arriving answers a packet that should have had no answer
            s.setSoTimeout(300);
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                tally.fail("udp: a late response to a packet that should have had none: " + HexFormat.of().formatHex(buf, 0, p.getLength()));
            } catch (SocketTimeoutException e) {
                // quiet, as it should be
            }
        }
    }

    private static void fuzzTcp(int port, long seed, long until, Tally tally) throws IOException {
        FuzzPackets packets = new FuzzPackets(new Random(seed));
        Random random = new Random(seed);
        Socket s = null;
        try {
            while (System.nanoTime() < until) {
                if (s == null) {
                    s = RawDns.connect(port, ANSWER_MILLIS);
                }
                if (random.nextInt(20) == 0) {
                    // bytes with no framing: a length prefix that promises what never comes, then the end of input
                    byte[] junk = new byte[1 + random.nextInt(100)];
                    random.nextBytes(junk);
                    tally.outcome("tcp", "unframed");
                    try {
                        s.getOutputStream().write(junk);
                        s.shutdownOutput();
                        while (RawDns.readFrame(s.getInputStream()) != null) {
                            // a frame the junk happened to hold: whatever it is, the connection must end
                        }
                    } catch (SocketTimeoutException e) {
                        tally.fail("tcp: connection still open " + ANSWER_MILLIS + " ms after unframed bytes and the end of input: "
                                + HexFormat.of().formatHex(junk));
                    } catch (IOException e) {
                        // reset or cut in a frame: closed, as it should be
                    }
                    s.close();
                    s = null;
                    continue;
                }
                FuzzPackets.Case c = packets.next();
                tally.count(tally.sent, c.kind());
                InputStream in = s.getInputStream();
                boolean reconnect = !c.answerable() || random.nextInt(10) == 0;
                try {
                    s.getOutputStream().write(RawDns.frame(c.wire()));
                    byte[] reply = RawDns.readFrame(in);
                    if (c.answerable() && reply == null) {
                        tally.fail("tcp: connection closed without a response to " + c);
                    } else if (c.answerable()) {
                        checkResponse("tcp", c, reply, tally);
                    } else if (reply != null) {
                        tally.fail("tcp: a response to a packet that should have had none: " + c);
                    } else {
                        tally.outcome("tcp", "closed");
                    }
                } catch (SocketTimeoutException e) {
                    tally.fail("tcp: nothing within " + ANSWER_MILLIS + " ms after " + c);
                    reconnect = true;
                } catch (IOException e) {
                    tally.fail("tcp: " + e + " after " + c);
                    reconnect = true;
                }
                if (reconnect) {
                    s.close();
                    s = null;
                }
            }
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }

    /** A known question and its known answer. */
    record Probe(String name, int type, int rcode, List<String> answers) {
        void check(String transport, Message m, Tally tally) {
            if (m.getRcode() != rcode || !RawDns.answers(m).equals(answers)) {
                tally.fail(transport + ": " + name + " " + Type.string(type) + " got " + RawDns.describe(m) + ", not " + Rcode.string(rcode)
                        + " " + answers);
            }
        }
    }

    private static final List<Probe> PROBES = List.of(
            new Probe("mail.sho.rt.", Type.A, Rcode.NOERROR, List.of("192.0.2.25")),
            new Probe("sho.rt.", Type.MX, Rcode.NOERROR, List.of("10 mail.sho.rt.")),
            new Probe("nope.sho.rt.", Type.A, Rcode.NXDOMAIN, List.of()),
            new Probe("_sip._tcp.sho.rt.", Type.SRV, Rcode.NOERROR, List.of("10 5 5060 mail.sho.rt.")),
            new Probe("example.com.", Type.A, Rcode.REFUSED, List.of()));

    /** Ordinary questions, alternately over UDP and TCP, each of which must be answered right within a second. */
    private static long probe(int port, long until, Tally tally) {
        long answered = 0;
        for (int i = 0; System.nanoTime() < until; i++) {
            Probe p = PROBES.get(i % PROBES.size());
            boolean tcp = i % 2 == 1;
            try {
                Message m = tcp ? RawDns.tcp(port, RawDns.query(p.name(), p.type()), ANSWER_MILLIS)
                        : RawDns.udp(port, RawDns.query(p.name(), p.type()), ANSWER_MILLIS);
                p.check(tcp ? "tcp" : "udp", m, tally);
                answered++;
            } catch (IOException e) {
                tally.fail("an ordinary query was lost: " + p.name() + " " + Type.string(p.type()) + " over " + (tcp ? "tcp" : "udp") + ": " + e);
            }
        }
        return answered;
    }

    @Test
    void hostilePacketsOverUdpAndTcpNeverCostAnOrdinaryAnswer() throws Exception {
        System.out.println("dns fuzz seed " + SEED + " (replay with -Ddns.fuzz.seed=" + SEED + ")");
        Tally tally = new Tally();
        try (DnsRole role = DnsRole.start(Path.of("src/test/resources/dns/zone.yaml"), new DnsServer.Settings("127.0.0.1", 0, 2, 64),
                GeoLookup.none());
             ExecutorService threads = Executors.newFixedThreadPool(4)) {
            int port = role.port();
            long until = System.nanoTime() + RUN_NANOS;
            Future<?> udp1 = threads.submit(() -> {
                fuzzUdp(port, SEED, until, tally);
                return null;
            });
            Future<?> udp2 = threads.submit(() -> {
                fuzzUdp(port, SEED + 1, until, tally);
                return null;
            });
            Future<?> tcp = threads.submit(() -> {
                fuzzTcp(port, SEED + 2, until, tally);
                return null;
            });
            Future<Long> ordinary = threads.submit(() -> probe(port, until, tally));
            for (Future<?> f : List.of(udp1, udp2, tcp)) {
                f.get(30, TimeUnit.SECONDS);
            }
            long answered = ordinary.get(30, TimeUnit.SECONDS);

            System.out.println("sent by kind: " + tally.sent);
            System.out.println("outcomes: " + tally.outcomes);
            System.out.println("ordinary queries answered: " + answered);
            tally.failures.forEach(f -> System.out.println("FAILURE " + f));
            assertThat(tally.failures).as("seed " + SEED).isEmpty();
            assertThat(answered).isGreaterThan(20);
            // the fuzzer reached every guard: parse errors, drops of responses and runts, opcodes, EDNS versions
            assertThat(tally.outcome("FORMERR")).isPositive();
            assertThat(tally.outcome("dropped") + tally.outcome("closed")).isPositive();
            assertThat(tally.outcome("NOTIMP")).isPositive();
            assertThat(tally.outcome("BADVERS")).isPositive();
            // and it still answers afterwards, both ways
            PROBES.getFirst().check("udp", RawDns.udp(port, RawDns.query("mail.sho.rt.", Type.A), ANSWER_MILLIS), tally);
            PROBES.getFirst().check("tcp", RawDns.tcp(port, RawDns.query("mail.sho.rt.", Type.A), ANSWER_MILLIS), tally);
            assertThat(tally.failures).isEmpty();
        }
    }
}
