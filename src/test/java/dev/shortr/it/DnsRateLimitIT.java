package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Response-rate limiting as a reflection victim's network would see it: a burst of 100 UDP queries from one
 * /24 within a second gets {@code responsesPerSecond} full answers per second, every {@code slip}-th of the
 * rest an empty answer with TC set, and nothing for the others; answers from the pre-built response cache are
 * limited like any other; another /24 is not affected; TCP is never limited; and {@code responsesPerSecond: 0}
 * turns it off.
 */
class DnsRateLimitIT {
    private static final int BURST = 100;

    @TempDir
    Path dir;

    private DnsRole role;
    private Metrics metrics;
    private Path file;

    @AfterEach
    void stop() {
        if (role != null) {
            role.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    private static String zone(String rateLimit) throws IOException {
        String shared = Files.readString(Path.of("src/test/resources/dns/zone.yaml"));
        String zone = shared.replace("rateLimit:\n  responsesPerSecond: 0", "rateLimit: " + rateLimit);
        assertThat(zone).contains("rateLimit: " + rateLimit);
        return zone;
    }

    private int start(String rateLimit) throws Exception {
        file = dir.resolve("ratelimit.yaml");
        Files.writeString(file, zone(rateLimit));
        role = DnsRole.start(file, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
        metrics = new Metrics();
        role.register(metrics);
        return role.port();
    }

    /** What a burst got back, and the span of seconds (of the server's clock, which is this JVM's) it could fall in. */
    record Burst(int full, int slipped, int lost, long seconds) {
        int dropped() {
            return BURST - full - slipped - lost;
        }
    }

    /** Sends {@link #BURST} queries for {@code name} from {@code source} as fast as it can, then collects the answers. */
    private static Burst burst(int port, String source, String name) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0))) {
            long first = System.nanoTime();
            for (int id = 1; id <= BURST; id++) {
                Message q = RawDns.query(name, Type.A);
                q.getHeader().setID(id);
                byte[] wire = q.toWire();
                s.send(new DatagramPacket(wire, wire.length, RawDns.LOOPBACK, port));
            }
            Map<Integer, Message> answers = new HashMap<>();
            byte[] buf = new byte[2048];
            s.setSoTimeout(700);
            long last = System.nanoTime();
            try {
                while (answers.size() < BURST) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    last = System.nanoTime();
                    Message m = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                    answers.put(m.getHeader().getID(), m);
                }
            } catch (SocketTimeoutException e) {
                // silence: the rest were dropped
            }
            int full = 0;
            int slipped = 0;
            int lost = 0;
            for (Message m : answers.values()) {
                if (m.getHeader().getFlag(Flags.TC) && m.getSection(org.xbill.DNS.Section.ANSWER).isEmpty()) {
                    slipped++;
                } else if (!RawDns.answers(m).isEmpty()) {
                    full++;
                } else {
                    lost++; // neither: counted so the assertions below see it
                }
            }
            return new Burst(full, slipped, lost, last / 1_000_000_000L - first / 1_000_000_000L + 1);
        }
    }

    private long cacheHits() {
        for (String line : metrics.scrape().split("\n")) {
            if (line.startsWith("shortr_dns_cache_hits")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no shortr_dns_cache_hits in the metrics");
    }

    private static void checkLimited(Burst b) {
        System.out.println(b + ", dropped " + b.dropped());
        assertThat(b.lost()).as("answers neither full nor slipped").isZero();
        assertThat(b.full()).as("full answers at 5 a second over %d second(s)", b.seconds()).isBetween(5, (int) (5 * b.seconds()));
        // every second one over the limit slips (slip: 2), counted across the whole burst
        assertThat(b.slipped()).isEqualTo((BURST - b.full()) / 2);
        assertThat(b.dropped()).isPositive();
    }

    @Test
    void aBurstFromOneBlockGetsTheLimitThenSlipsAndDrops() throws Exception {
        int port = start("{responsesPerSecond: 5, slip: 2}");
        long hitsBefore = cacheHits();
        checkLimited(burst(port, "127.0.0.1", "mail.sho.rt."));
        // those were static answers, built once and then sent from the response cache: limited all the same
        assertThat(cacheHits() - hitsBefore).isGreaterThanOrEqualTo(BURST - 1);
        // a steered name, built anew for every query, from another /24 with its own budget
        checkLimited(burst(port, "127.0.1.1", "f.sho.rt."));
    }

    @Test
    void anotherBlockAndTcpAreNotLimited() throws Exception {
        int port = start("{responsesPerSecond: 5, slip: 2}");
        burst(port, "127.0.0.1", "mail.sho.rt.");
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.2.1"), 0))) {
            Message q = RawDns.query("mail.sho.rt.", Type.A);
            assertThat(RawDns.answers(new Message(RawDns.exchange(other, port, q.toWire(), 1000)))).containsExactly("192.0.2.25");
        }
        // 50 queries in one write over TCP, from the block that has just used up its budget: 50 answers
        try (Socket s = RawDns.connect(port, 2000)) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int id = 1; id <= 50; id++) {
                Message q = RawDns.query("mail.sho.rt.", Type.A);
                q.getHeader().setID(id);
                all.writeBytes(RawDns.frame(q.toWire()));
            }
            OutputStream out = s.getOutputStream();
            out.write(all.toByteArray());
            InputStream in = s.getInputStream();
            for (int id = 1; id <= 50; id++) {
                Message m = new Message(RawDns.readFrame(in));
                assertThat(m.getHeader().getID()).isEqualTo(id);
                assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
                assertThat(RawDns.answers(m)).containsExactly("192.0.2.25");
            }
        }
    }

    @Test
    void zeroResponsesPerSecondTurnsItOff() throws Exception {
        int port = start("{responsesPerSecond: 5, slip: 2}");
        checkLimited(burst(port, "127.0.0.1", "mail.sho.rt."));
        Files.writeString(file, zone("{responsesPerSecond: 0, slip: 2}"));
        assertThat(role.reload()).isTrue();
        Burst b = burst(port, "127.0.0.1", "mail.sho.rt.");
        System.out.println(b);
        assertThat(b).isEqualTo(new Burst(BURST, 0, 0, b.seconds()));
    }
}
