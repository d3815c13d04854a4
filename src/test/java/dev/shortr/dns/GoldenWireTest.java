package dev.shortr.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Golden wire files: for each case, the query (built with dnsjava, with a fixed ID) and the exact response bytes
 * the answer builder gives for it, kept as hex in {@code src/test/resources/dns/golden/} (16 bytes a line, the
 * decoded message above in {@code #} lines): EDNS, ECS, truncation, NXDOMAIN and NODATA, HTTPS, 0x20 and more,
 * against the shared zone with every site up and a seeded random source. A change to any byte of any response
 * (a flag, a TTL, the order of records, name compression, the OPT record) fails here.
 *
 * <p>{@code -Dshortr.golden.update=true} writes the files anew from the code. Read each changed response before
 * committing it (the decoded lines, and the RFC): a golden file of a wrong answer is worse than none.
 */
class GoldenWireTest {
    static final Path DIR = Path.of("src/test/resources/dns/golden");
    static final boolean UPDATE = Boolean.getBoolean("shortr.golden.update");
    static final InetAddress RESOLVER = address("192.0.2.77");
    /** A resolver inside 10.1.0.0/16 (eu), for geo decided by the resolver's own address. */
    static final InetAddress EU_RESOLVER = address("10.1.0.53");

    static Zone zone;

    @BeforeAll
    static void load() throws ZoneFile.Invalid {
        zone = ZoneFile.load(Path.of("src/test/resources/dns/zone.yaml"));
    }

    /** One query, who sends it and how. */
    record Case(String name, String what, Message query, InetAddress client, boolean tcp) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                udp("edns-mail-a", "mail.sho.rt A with EDNS (4096): the answer, and our OPT offering 1232",
                        edns(query(0x0101, "mail.sho.rt.", Type.A), 4096)),
                udp("no-edns-mail-a", "mail.sho.rt A without EDNS: no OPT in the response",
                        query(0x0102, "mail.sho.rt.", Type.A)),
                udp("edns-version-1", "EDNS version 1: BADVERS (16) in the OPT's extended RCODE, no answer (RFC 6891 §6.1.3)",
                        opt(query(0x0103, "mail.sho.rt.", Type.A), new OPTRecord(4096, 0, 1, 0))),
                udp("ecs-geo-eu", "sho.rt A with ECS 10.1.2.0/24: the eu site, scope /16 (RFC 7871)",
                        ecs(query(0x0201, "sho.rt.", Type.A), "10.1.2.0", 24)),
                udp("ecs-geo-us-aaaa", "sho.rt AAAA with ECS 10.2.0.0/24: the us site's IPv6, scope /16",
                        ecs(query(0x0202, "sho.rt.", Type.AAAA), "10.2.0.0", 24)),
                udp("ecs-geo-ap-aaaa", "sho.rt AAAA with ECS 10.3.0.0/24: Sydney has no IPv6, so the nearest site that has (us)",
                        ecs(query(0x0203, "sho.rt.", Type.AAAA), "10.3.0.0", 24)),
                udp("ecs-source-zero", "sho.rt A with ECS source /0 from a resolver in 10.1/16: decided on the resolver, scope 0 (RFC 7871 §7.1.2)",
                        ecs(query(0x0204, "sho.rt.", Type.A), "0.0.0.0", 0), EU_RESOLVER),
                udp("geo-by-resolver", "sho.rt A without ECS from a resolver in 10.1/16: the eu site, no option echoed",
                        edns(query(0x0205, "sho.rt.", Type.A), 1232), EU_RESOLVER),
                udp("ecs-geo-v6-subnet", "sho.rt A with ECS 2001:db8:77::/56: no IPv6 block in the table, so no region and a pick by weight,"
                                + " for every IPv6 client alike: scope /0 (an ECS scope is within its family, RFC 7871 §7.3.1)",
                        ecs(query(0x0206, "sho.rt.", Type.A), "2001:db8:77::", 56)),
                udp("ecs-weighted-scope-zero", "w.sho.rt A with ECS 10.1.2.0/24: a weighted answer holds for every client, scope 0",
                        ecs(query(0x0207, "w.sho.rt.", Type.A), "10.1.2.0", 24)),
                udp("truncated-512", "big.sho.rt TXT without EDNS: more than 512 bytes, so TC and no answer",
                        query(0x0301, "big.sho.rt.", Type.TXT)),
                udp("truncated-1232", "big.sho.rt TXT with EDNS 4096: more than our 1232, so TC, no answer, and the OPT",
                        edns(query(0x0302, "big.sho.rt.", Type.TXT), 4096)),
                new Case("tcp-big", "big.sho.rt TXT over TCP: all eight records, no TC",
                        query(0x0303, "big.sho.rt.", Type.TXT), RESOLVER, true),
                udp("nxdomain", "nope.sho.rt A: NXDOMAIN, the SOA in authority with TTL min(3600, 60) (RFC 2308 §3)",
                        edns(query(0x0401, "nope.sho.rt.", Type.A), 1232)),
                udp("nodata", "mail.sho.rt MX: NOERROR, no answer, the SOA in authority (RFC 2308 §2.2)",
                        edns(query(0x0402, "mail.sho.rt.", Type.MX), 1232)),
                udp("nodata-empty-non-terminal", "b.deep.sho.rt A: a name above a.b.deep exists with nothing of its own: NODATA (RFC 8020)",
                        edns(query(0x0403, "b.deep.sho.rt.", Type.A), 1232)),
                udp("https-geo-eu", "sho.rt HTTPS with ECS 10.1.0.0/24: 1 . alpn=h3,h2 with the eu site's hints (RFC 9460)",
                        ecs(query(0x0501, "sho.rt.", Type.HTTPS), "10.1.0.0", 24)),
                udp("https-geo-ap", "sho.rt HTTPS with ECS 10.3.0.0/24: Sydney's hint, IPv4 only",
                        ecs(query(0x0502, "sho.rt.", Type.HTTPS), "10.3.0.0", 24)),
                udp("case-0x20", "MaIl.ShO.rT A: matched in any case, the question and the owner as asked",
                        query(0x0601, "MaIl.ShO.rT.", Type.A)),
                udp("case-0x20-cname", "wWw.ShO.rT A with ECS 10.2.0.0/24: the CNAME, then the us site, in the query's case",
                        ecs(query(0x0602, "wWw.ShO.rT.", Type.A), "10.2.0.0", 24)),
                udp("soa-apex", "sho.rt SOA: the SOA itself in the answer, with its own TTL",
                        query(0x0701, "sho.rt.", Type.SOA)),
                udp("mx-additional", "sho.rt MX: the target's address in the additional section",
                        query(0x0702, "sho.rt.", Type.MX)),
                udp("cname-out-of-zone", "docs.sho.rt A: a CNAME out of the zone, not followed",
                        query(0x0703, "docs.sho.rt.", Type.A)),
                udp("any-rfc8482", "sho.rt ANY: one synthesized HINFO (RFC 8482 §4.2)",
                        query(0x0704, "sho.rt.", Type.ANY)),
                udp("any-cname", "www.sho.rt ANY: the CNAME alone, nothing beside it (RFC 1034 §3.6.2)",
                        query(0x0705, "www.sho.rt.", Type.ANY)),
                udp("cname-nodata", "www.sho.rt SRV: the CNAME, then sho.rt has no SRV: NODATA with the SOA after the chain (RFC 2308 §2.2)",
                        edns(query(0x0706, "www.sho.rt.", Type.SRV), 1232)),
                udp("refused", "example.com A with RD: REFUSED, no AA, RD echoed, no RA",
                        rd(edns(query(0x0801, "example.com.", Type.A), 1232))),
                udp("notimp-notify", "a NOTIFY: NOTIMP, the opcode echoed",
                        opcode(query(0x0802, "sho.rt.", Type.SOA), Opcode.NOTIFY)),
                udp("notimp-update-edns", "an UPDATE with EDNS: NOTIMP, and an OPT since the query had one (RFC 6891 §7)",
                        opcode(edns(query(0x0803, "sho.rt.", Type.SOA), 1232), Opcode.UPDATE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theResponseIsByteForByteTheGoldenOne(Case c) throws IOException {
        byte[] query = c.query().toWire();
        Answerer answerer = new Answerer(() -> zone, SiteHealth.ALL_UP, null, RandomGeneratorFactory.of("L32X64MixRandom").create(20261125L));
        Answerer.Reply reply = answerer.answer(query, c.client(), c.tcp());
        assertThat(reply).isInstanceOf(Answerer.Reply.Single.class);
        byte[] response = ((Answerer.Reply.Single) reply).wire();
        Path queryFile = DIR.resolve(c.name() + ".query.hex");
        Path responseFile = DIR.resolve(c.name() + ".response.hex");
        if (UPDATE) {
            Files.createDirectories(DIR);
            Files.writeString(queryFile, render(c, "query", query));
            Files.writeString(responseFile, render(c, "response", response));
        }
        assertThat(Files.exists(responseFile)).as("%s: no golden file; write it with -Dshortr.golden.update=true and review it", c).isTrue();
        // compared as the files' hex lines, so a failure shows which bytes moved
        assertThat(lines(query)).as("%s: the query dnsjava builds", c).isEqualTo(lines(read(queryFile)));
        assertThat(lines(response)).as("%s: the response to %s", c, c.what()).isEqualTo(lines(read(responseFile)));
    }

    @Test
    void everyGoldenFileBelongsToACase() throws IOException {
        Set<String> expected = cases().flatMap(c -> Stream.of(c.name() + ".query.hex", c.name() + ".response.hex"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> present;
        try (Stream<Path> files = Files.list(DIR)) {
            present = files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(present).isEqualTo(expected);
    }

    /** The hex of {@code wire}, 16 bytes a line, each line led by its offset (compression pointers count from 0). */
    static List<String> lines(byte[] wire) {
        HexFormat hex = HexFormat.ofDelimiter(" ");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < wire.length; i += 16) {
            out.add("%04x: %s".formatted(i, hex.formatHex(wire, i, Math.min(i + 16, wire.length))));
        }
        return out;
    }

    static String render(Case c, String which, byte[] wire) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(c.name()).append(": ").append(c.what()).append('\n');
        b.append("# the ").append(which).append(", ").append(wire.length).append(" bytes, from ").append(c.client().getHostAddress())
                .append(" over ").append(c.tcp() ? "TCP" : "UDP").append(", as dnsjava reads it:\n");
        for (String line : new Message(wire).toString().split("\n")) {
            b.append(line.isBlank() ? "#" : "#   " + line.stripTrailing()).append('\n');
        }
        lines(wire).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** The bytes of a golden file: its hex lines, without comments and offsets. */
    static byte[] read(Path file) throws IOException {
        StringBuilder hex = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            hex.append(l.replaceFirst("^[0-9a-f]{4}:", "").replace(" ", ""));
        }
        return HexFormat.of().parseHex(hex);
    }

    static Case udp(String name, String what, Message query) {
        return new Case(name, what, query, RESOLVER, false);
    }

    static Case udp(String name, String what, Message query, InetAddress client) {
        return new Case(name, what, query, client, false);
    }

    /** A query as a resolver sends one to an authority: the ID given, no RD. */
    static Message query(int id, String name, int type) {
        try {
            Message m = new Message(id);
            m.addRecord(Record.newRecord(Name.fromString(name), type, DClass.IN), Section.QUESTION);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Message edns(Message q, int payload) {
        return opt(q, new OPTRecord(payload, 0, 0, 0));
    }

    static Message ecs(Message q, String subnet, int prefix) {
        EDNSOption ecs = new ClientSubnetOption(prefix, address(subnet));
        return opt(q, new OPTRecord(1232, 0, 0, 0, ecs));
    }

    static Message opt(Message q, OPTRecord opt) {
        q.addRecord(opt, Section.ADDITIONAL);
        return q;
    }

    static Message rd(Message q) {
        q.getHeader().setFlag(Flags.RD);
        return q;
    }

    static Message opcode(Message q, int opcode) {
        q.getHeader().setOpcode(opcode);
        return q;
    }

    static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
