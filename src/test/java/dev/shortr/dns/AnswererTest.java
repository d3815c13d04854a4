package dev.shortr.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HTTPSRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Answer-building without sockets: every protocol rule, against the shared test zone. */
class AnswererTest {
    static Zone zone;
    static final InetAddress RESOLVER = address("192.0.2.77");

    @BeforeAll
    static void load() throws ZoneFile.Invalid {
        zone = ZoneFile.load(Path.of("src/test/resources/dns/zone.yaml"));
    }

    static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message query(String name, int type) {
        try {
            return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message withEcs(Message q, String subnet, int prefix) {
        q.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(prefix, address(subnet))), Section.ADDITIONAL);
        return q;
    }

    Message ask(Message q) {
        return ask(q, SiteHealth.ALL_UP, false);
    }

    Message ask(Message q, SiteHealth health, boolean tcp) {
        Answerer a = new Answerer(() -> zone, health, null, RandomGenerator.of("L32X64MixRandom"));
        Answerer.Reply r = a.answer(q.toWire(), RESOLVER, tcp);
        assertThat(r).isInstanceOf(Answerer.Reply.Single.class);
        try {
            return new Message(((Answerer.Reply.Single) r).wire());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> answers(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    static ClientSubnetOption ecs(Message m) {
        return (ClientSubnetOption) m.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET).getFirst();
    }

    @Test
    void geoAnswersByClientSubnetWithTheRealScope() {
        Message eu = ask(withEcs(query("sho.rt.", Type.A), "10.1.5.0", 24));
        assertThat(answers(eu)).containsExactly("198.51.100.1");
        assertThat(ecs(eu).getScopePrefixLength()).isEqualTo(16);
        assertThat(ecs(eu).getSourcePrefixLength()).isEqualTo(24);
        assertThat(answers(ask(withEcs(query("sho.rt.", Type.A), "10.2.9.0", 24)))).containsExactly("198.51.100.2");
        assertThat(answers(ask(withEcs(query("sho.rt.", Type.A), "10.3.0.0", 24)))).containsExactly("198.51.100.3");
        assertThat(eu.getSection(Section.ANSWER).getFirst().getTTL()).isEqualTo(30);
        // outside every network: not /0, which a resolver would cache for every client
        Message elsewhere = ask(withEcs(query("sho.rt.", Type.A), "192.0.2.0", 24));
        assertThat(ecs(elsewhere).getScopePrefixLength()).isPositive();
        Message near = ask(withEcs(query("sho.rt.", Type.A), "10.0.0.0", 24)); // shares 15 bits with 10.1/16
        assertThat(ecs(near).getScopePrefixLength()).isEqualTo(16);
    }

    @Test
    void geoFallsBackToTheNearestRegionWithAHealthySite() {
        SiteHealth noSydney = s -> !s.name().equals("syd");
        Message ap = ask(withEcs(query("sho.rt.", Type.A), "10.3.0.0", 24), noSydney, false);
        // Sydney to Frankfurt is about 16,500 km, to Virginia about 15,700 km
        assertThat(answers(ap)).containsExactly("198.51.100.2");
    }

    @Test
    void withoutEcsTheResolverAddressDecidesAndNoOptionIsEchoed() {
        Message m = ask(query("sho.rt.", Type.A));
        assertThat(m.getOPT()).isNull();
        assertThat(answers(m)).hasSize(1);
    }

    @Test
    void weightedSpreadsByWeightAndFailoverTakesTheFirstHealthySite() {
        int fra = 0;
        for (int i = 0; i < 2000; i++) {
            fra += answers(ask(query("w.sho.rt.", Type.A))).contains("198.51.100.1") ? 1 : 0;
        }
        assertThat(fra).isBetween(1100, 1900); // weight 3 of 5: 60 %
        assertThat(answers(ask(query("f.sho.rt.", Type.A)))).containsExactly("198.51.100.1");
        assertThat(answers(ask(query("f.sho.rt.", Type.A), s -> !s.name().equals("fra"), false))).containsExactly("198.51.100.2");
    }

    @Test
    void everySiteDownAnswersAllOrServfailAsConfigured() {
        SiteHealth none = s -> false;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            seen.addAll(answers(ask(query("w.sho.rt.", Type.A), none, false)));
        }
        assertThat(seen).containsExactlyInAnyOrder("198.51.100.1", "198.51.100.2", "198.51.100.3");
        Message strict = ask(query("strict.sho.rt.", Type.A), none, false);
        assertThat(strict.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask(query("strict.sho.rt.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void aaaaSkipsSitesWithoutIpv6() {
        for (int i = 0; i < 50; i++) {
            assertThat(answers(ask(query("w.sho.rt.", Type.AAAA)))).allMatch(a -> a.startsWith("2001:db8:0:0:0:0:0:"));
        }
        Message ap = ask(withEcs(query("sho.rt.", Type.AAAA), "10.3.0.0", 24));
        assertThat(answers(ap)).hasSize(1); // Sydney has none: the nearest site that has one
    }

    @Test
    void httpsRecordOffersH3AndHintsTheChosenSite() {
        Message m = ask(withEcs(query("sho.rt.", Type.HTTPS), "10.1.0.0", 24));
        HTTPSRecord https = (HTTPSRecord) m.getSection(Section.ANSWER).getFirst();
        assertThat(https.getSvcPriority()).isEqualTo(1);
        assertThat(https.getTargetName()).isEqualTo(Name.root);
        assertThat(https.rdataToString()).contains("alpn=h3,h2").contains("ipv4hint=198.51.100.1").contains("ipv6hint=2001:db8:0:0:0:0:0:1");
        assertThat(ecs(m).getScopePrefixLength()).isEqualTo(16);
    }

    @Test
    void nxdomainAndNodataAreToldApartAndCarryTheSoa() {
        Message nx = ask(query("nope.sho.rt.", Type.A));
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getHeader().getFlag(Flags.AA)).isTrue();
        SOARecord soa = (SOARecord) nx.getSection(Section.AUTHORITY).getFirst();
        assertThat(soa.getTTL()).isEqualTo(60); // min(SOA TTL, minimum): RFC 2308
        Message nodata = ask(query("mail.sho.rt.", Type.MX));
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).hasSize(1);
        Message emptyNonTerminal = ask(query("b.deep.sho.rt.", Type.A));
        assertThat(emptyNonTerminal.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask(query("x.b.deep.sho.rt.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask(query("w.sho.rt.", Type.TXT)).getRcode()).isEqualTo(Rcode.NOERROR); // steered names exist
    }

    @Test
    void outsideTheZoneIsRefusedAndRecursionIsNeverOffered() {
        Message q = query("example.com.", Type.A);
        q.getHeader().setFlag(Flags.RD);
        Message m = ask(q);
        assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(m.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(ask(query("notsho.rt.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void theQueryCaseIsKept() {
        Message m = ask(query("MaIl.ShO.rT.", Type.A));
        assertThat(m.getQuestion().getName().toString()).isEqualTo("MaIl.ShO.rT.");
        assertThat(m.getSection(Section.ANSWER).getFirst().getName().toString()).isEqualTo("MaIl.ShO.rT.");
        assertThat(answers(m)).containsExactly("192.0.2.25");
    }

    @Test
    void cnamesAreFollowedInsideTheZone() {
        Message m = ask(withEcs(query("www.sho.rt.", Type.A), "10.2.0.0", 24));
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME, Type.A);
        assertThat(answers(m)).containsExactly("sho.rt.", "198.51.100.2");
        Message out = ask(query("docs.sho.rt.", Type.A));
        assertThat(answers(out)).containsExactly("docs.example.net.");
    }

    @Test
    void mxAnswersCarryTheTargetsAddress() {
        Message m = ask(query("sho.rt.", Type.MX));
        assertThat(answers(m)).containsExactly("10 mail.sho.rt.");
        assertThat(m.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString).contains("192.0.2.25");
    }

    @Test
    void ednsIsAnsweredAndUnknownVersionsGetBadvers() {
        Message q = query("mail.sho.rt.", Type.A);
        q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        Message m = ask(q);
        assertThat(m.getOPT().getPayloadSize()).isEqualTo(Answerer.MAX_UDP_PAYLOAD);
        Message v1 = query("mail.sho.rt.", Type.A);
        v1.addRecord(new OPTRecord(4096, 0, 1), Section.ADDITIONAL);
        Message bad = ask(v1);
        assertThat(bad.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(bad.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void whatDoesNotFitUdpIsTruncatedAndTcpCarriesIt() {
        Message plain = ask(query("big.sho.rt.", Type.TXT));
        assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
        Message q = query("big.sho.rt.", Type.TXT);
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Message edns = ask(q);
        assertThat(edns.getHeader().getFlag(Flags.TC)).isTrue();
        Message tcp = ask(query("big.sho.rt.", Type.TXT), SiteHealth.ALL_UP, true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(8);
    }

    @Test
    void badPacketsGetFormerrOrAreDropped() {
        Answerer a = new Answerer(() -> zone, SiteHealth.ALL_UP, null, RandomGenerator.of("L32X64MixRandom"));
        assertThat(a.answer(new byte[5], RESOLVER, false)).isInstanceOf(Answerer.Reply.Drop.class);
        byte[] garbage = new byte[40];
        garbage[0] = 0x12;
        garbage[1] = 0x34;
        garbage[5] = 1; // one question that is not there
        garbage[12] = 63; // a label running past the end
        Answerer.Reply r = a.answer(garbage, RESOLVER, false);
        assertThat(r).isInstanceOf(Answerer.Reply.Single.class);
        byte[] wire = ((Answerer.Reply.Single) r).wire();
        assertThat(wire[0]).isEqualTo((byte) 0x12);
        assertThat(wire[3] & 0xf).isEqualTo(Rcode.FORMERR);
        byte[] response = query("sho.rt.", Type.A).toWire();
        response[2] |= (byte) 0x80;
        assertThat(a.answer(response, RESOLVER, false)).isInstanceOf(Answerer.Reply.Drop.class);
        Message notify = query("sho.rt.", Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(ask(notify).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void anyGetsTheMinimalRfc8482Answer() {
        Message m = ask(query("sho.rt.", Type.ANY));
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.HINFO);
    }

    @Test
    void transfersNeedTcpAndAnAllowedAddress() {
        Answerer a = new Answerer(() -> zone, SiteHealth.ALL_UP, null, RandomGenerator.of("L32X64MixRandom"));
        byte[] axfr = query("sho.rt.", Type.AXFR).toWire();
        assertThat(((Answerer.Reply.Single) a.answer(axfr, address("192.0.2.200"), false)).rcode()).isEqualTo(Rcode.FORMERR);
        assertThat(((Answerer.Reply.Single) a.answer(axfr, RESOLVER, true)).rcode()).isEqualTo(Rcode.REFUSED);
        Answerer.Reply.Transfer t = (Answerer.Reply.Transfer) a.answer(axfr, address("192.0.2.200"), true);
        List<Record> all = t.messages().stream().flatMap(w -> {
            try {
                return new Message(w).getSection(Section.ANSWER).stream();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(all.getFirst().getType()).isEqualTo(Type.SOA);
        assertThat(all.getLast().getType()).isEqualTo(Type.SOA);
        assertThat(all).extracting(Record::rdataToString).contains("192.0.2.25", "198.51.100.3");
        assertThat(all.stream().filter(r -> r instanceof ARecord)).isNotEmpty();
    }
}
