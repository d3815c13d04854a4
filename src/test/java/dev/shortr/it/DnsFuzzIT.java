package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
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

    enum Kind { RANDOM, BIT_FLIPS, TRUNCATED, ABSURD_COUNTS, COMPRESSION_LOOP, HUGE_LABEL, BAD_EDNS, BAD_ECS, RESPONSE, OPCODE }

    /** One fuzz packet and what it was made as. */
    record Case(Kind kind, byte[] wire) {
        /** The server answers exactly the packets with a whole header that are not responses (QR clear). */
        boolean answerable() {
            return wire.length >= 12 && (wire[2] & 0x80) == 0;
        }

        int opcode() {
            return (wire[2] >>> 3) & 0xf;
        }

        @Override
        public String toString() {
            return kind + " " + HexFormat.of().formatHex(wire, 0, Math.min(wire.length, 96)) + (wire.length > 96 ? "…" : "");
        }
    }

    /** What came back, by kind and RCODE, and everything that went wrong, shared by the fuzzing threads. */
    static final class Tally {
        final Map<Kind, AtomicLong> sent = Collections.synchronizedMap(new EnumMap<>(Kind.class));
        final Map<String, AtomicLong> outcomes = Collections.synchronizedMap(new TreeMap<>());
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        void count(Map<? super Kind, AtomicLong> map, Kind k) {
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

    /** Makes fuzz packets from ordinary queries of the shared zone. */
    static final class Mutator {
        private final Random random;
        private final List<byte[]> valid = new ArrayList<>();
        private int next;

        Mutator(Random random) throws java.net.UnknownHostException {
            this.random = random;
            valid.add(RawDns.query("mail.sho.rt.", Type.A).toWire());
            valid.add(RawDns.query("sho.rt.", Type.MX).toWire());
            valid.add(RawDns.query("big.sho.rt.", Type.TXT).toWire());
            valid.add(RawDns.query("nope.sho.rt.", Type.AAAA).toWire());
            valid.add(RawDns.query("w.sho.rt.", Type.HTTPS).toWire());
            valid.add(RawDns.query("sho.rt.", Type.AXFR).toWire());
            Message ecs = RawDns.query("sho.rt.", Type.A);
            ecs.addRecord(new OPTRecord(1232, 0, 0, Flags.DO, new ClientSubnetOption(24, java.net.InetAddress.getByAddress(new byte[] {10, 1, 5, 0}))), Section.ADDITIONAL);
            valid.add(ecs.toWire());
        }

        Case next() {
            Kind k = Kind.values()[next++ % Kind.values().length];
            return new Case(k, make(k));
        }

        private byte[] base() {
            return valid.get(random.nextInt(valid.size())).clone();
        }

        /** A query with no additional records, and so room to append an OPT of our own. */
        private byte[] plain() {
            byte[] q = valid.get(random.nextInt(5)).clone();
            q[11] = 0;
            return q;
        }

        private byte[] make(Kind k) {
            return switch (k) {
                case RANDOM -> {
                    byte[] b = new byte[random.nextInt(random.nextInt(8) == 0 ? 4000 : 600)];
                    random.nextBytes(b);
                    if (b.length > 2 && random.nextBoolean()) {
                        b[2] &= 0x7f; // half of them look like queries, so they go past the first guard
                    }
                    yield b;
                }
                case BIT_FLIPS -> {
                    byte[] b = base();
                    for (int i = 1 + random.nextInt(8); i > 0; i--) {
                        int bit = random.nextInt(b.length * 8);
                        b[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
                    }
                    yield b;
                }
                case TRUNCATED -> {
                    byte[] b = base();
                    yield java.util.Arrays.copyOf(b, random.nextInt(b.length));
                }
                case ABSURD_COUNTS -> {
                    byte[] b = base();
                    int[] choices = {0, 1, 2, 3, 0x7fff, 0xffff, random.nextInt(65_536)};
                    for (int field = 4; field < 12; field += 2) {
                        if (random.nextInt(3) == 0) {
                            int v = choices[random.nextInt(choices.length)];
                            b[field] = (byte) (v >>> 8);
                            b[field + 1] = (byte) v;
                        }
                    }
                    yield b;
                }
                case COMPRESSION_LOOP -> compressionLoop();
                case HUGE_LABEL -> hugeLabel();
                case BAD_EDNS -> badEdns();
                case BAD_ECS -> badEcs();
                case RESPONSE -> {
                    byte[] b = random.nextBoolean() ? base() : make(Kind.BIT_FLIPS);
                    b[2] |= (byte) 0x80;
                    yield b;
                }
                case OPCODE -> {
                    byte[] b = base();
                    b[2] = (byte) (b[2] & 0x87 | (next / Kind.values().length % 16) << 3);
                    yield b;
                }
            };
        }

        private byte[] header(int qd, int an, int ns, int ar) {
            return new byte[] {0, 0, 0, 0, (byte) (qd >>> 8), (byte) qd, (byte) (an >>> 8), (byte) an, (byte) (ns >>> 8), (byte) ns,
                    (byte) (ar >>> 8), (byte) ar};
        }

        private byte[] compressionLoop() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(header(1, 0, 0, 0));
            switch (random.nextInt(6)) {
                case 0 -> b.writeBytes(new byte[] {(byte) 0xc0, 12}); // points at itself
                case 1 -> b.writeBytes(new byte[] {(byte) 0xc0, 14, (byte) 0xc0, 12}); // two pointing at each other
                case 2 -> b.writeBytes(new byte[] {1, 'a', (byte) 0xc0, 12}); // a label, then back to the start
                case 3 -> b.writeBytes(new byte[] {(byte) 0xc0, (byte) 200}); // past the end
                case 4 -> b.writeBytes(new byte[] {(byte) 0xc0, 2}); // into the header
                default -> {
                    // a long chain of pointers, each to the one before
                    b.writeBytes(new byte[] {0});
                    for (int i = 0; i < 40; i++) {
                        int back = 12 + i * 2;
                        b.writeBytes(new byte[] {(byte) (0xc0 | back >>> 8), (byte) back});
                    }
                }
            }
            b.writeBytes(new byte[] {0, 1, 0, 1});
            return b.toByteArray();
        }

        private byte[] hugeLabel() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(header(1, 0, 0, 0));
            switch (random.nextInt(4)) {
                case 0 -> {
                    int len = 64 + random.nextInt(192); // 64..255: too long, or the reserved 0x40/0x80 label types
                    b.write(len);
                    byte[] label = new byte[Math.min(len & 0x3f, 20)];
                    java.util.Arrays.fill(label, (byte) 'x');
                    b.writeBytes(label);
                    b.write(0);
                }
                case 1 -> {
                    for (int i = 0; i < 5; i++) { // 5 × 64 bytes: past the 255-byte limit of a name
                        b.write(63);
                        b.writeBytes("x".repeat(63).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    b.write(0);
                }
                case 2 -> {
                    b.write(63); // runs past the end
                    b.writeBytes(new byte[] {'a', 'b', 'c'});
                }
                default -> {
                    for (int i = 0; i < 128; i++) {
                        b.writeBytes(new byte[] {1, 'a'});
                    }
                    b.write(0);
                }
            }
            b.writeBytes(new byte[] {0, 1, 0, 1});
            return b.toByteArray();
        }

        /** {@code query} with an OPT record appended whose RDATA is {@code rdata}. */
        private static byte[] withOpt(byte[] query, int payload, int version, byte[] rdata, int arcount) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(query);
            b.write(0); // root owner
            b.writeBytes(new byte[] {0, 41, (byte) (payload >>> 8), (byte) payload, 0, (byte) version, 0, 0});
            b.writeBytes(new byte[] {(byte) (rdata.length >>> 8), (byte) rdata.length});
            b.writeBytes(rdata);
            byte[] out = b.toByteArray();
            out[10] = (byte) (arcount >>> 8);
            out[11] = (byte) arcount;
            return out;
        }

        private static byte[] option(int code, int declaredLength, byte[] data) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.writeBytes(new byte[] {(byte) (code >>> 8), (byte) code, (byte) (declaredLength >>> 8), (byte) declaredLength});
            b.writeBytes(data);
            return b.toByteArray();
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }

        private byte[] badEdns() {
            byte[] q = plain();
            return switch (random.nextInt(9)) {
                case 0 -> withOpt(q, 1232, 0, option(10, 40, randomBytes(8)), 1); // option longer than the RDATA
                case 1 -> {
                    byte[] b = withOpt(q, 1232, 0, new byte[0], 1);
                    b[b.length - 1] = (byte) 0xff; // RDLENGTH past the end of the packet
                    yield b;
                }
                case 2 -> {
                    byte[] b = withOpt(q, 1232, 0, new byte[0], 2);
                    yield withOpt(b, 1232, 0, new byte[0], 2); // two OPTs
                }
                case 3 -> {
                    byte[] b = withOpt(q, 1232, 0, new byte[0], 0);
                    b[7] = 1; // the OPT in the answer section
                    yield b;
                }
                case 4 -> withOpt(q, 4096, 1 + random.nextInt(255), new byte[0], 1); // unknown EDNS version
                case 5 -> withOpt(q, 4096, 0, option(random.nextInt(65_536), 12, randomBytes(12)), 1); // unknown option
                case 6 -> withOpt(q, random.nextInt(2) == 0 ? 0 : 65_535, 0, new byte[0], 1); // absurd payload sizes
                case 7 -> withOpt(q, 1232, 0, option(10, 3, randomBytes(3)), 1); // a cookie of a size no cookie has
                default -> withOpt(q, 1232, 0, randomBytes(random.nextInt(40)), 1);
            };
        }

        private byte[] badEcs() {
            byte[] q = plain();
            int family = 1;
            int source = 24;
            int scope = 0;
            byte[] address = {10, 1, 5};
            switch (random.nextInt(8)) {
                case 0 -> source = 33 + random.nextInt(223);
                case 1 -> {
                    family = 2;
                    source = 129 + random.nextInt(127);
                    address = randomBytes(16);
                }
                case 2 -> family = random.nextBoolean() ? 0 : 3 + random.nextInt(65_000);
                case 3 -> scope = 1 + random.nextInt(255); // a scope in a query (RFC 7871 §7.1.1: must be 0)
                case 4 -> address = new byte[] {10, 1, 5, 7, 9}; // more address than the prefix covers
                case 5 -> address = new byte[] {10}; // less
                case 6 -> address = new byte[] {10, 1, 5, 7}; // bits past the source prefix
                default -> {
                    family = 2;
                    source = random.nextInt(129);
                    address = randomBytes((source + 7) / 8);
                }
            }
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            data.writeBytes(new byte[] {(byte) (family >>> 8), (byte) family, (byte) source, (byte) scope});
            data.writeBytes(address);
            byte[] d = data.toByteArray();
            return withOpt(q, 1232, 0, option(8, d.length, d), 1);
        }
    }

    /** Checks a response to {@code c}: well-formed, a response, with the query's ID; counts its RCODE. */
    private static void checkResponse(String transport, Case c, byte[] reply, Tally tally) {
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
        if (c.kind() == Kind.OPCODE && c.opcode() != 0 && m.getRcode() != Rcode.NOTIMP) {
            tally.fail(transport + ": opcode " + c.opcode() + " got " + Rcode.string(m.getRcode()) + ", not NOTIMP: " + c);
        }
        tally.outcome(transport, Rcode.string(m.getRcode()));
    }

    private static void fuzzUdp(int port, long seed, long until, Tally tally) throws IOException {
        Mutator mutator = new Mutator(new Random(seed));
        byte[] buf = new byte[65_535];
        int id = 0;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(RawDns.LOOPBACK, 0))) {
            while (System.nanoTime() < until) {
                Case c = mutator.next();
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
                    byte[] reply = java.util.Arrays.copyOf(buf, p.getLength());
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
        Mutator mutator = new Mutator(new Random(seed));
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
                Case c = mutator.next();
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
