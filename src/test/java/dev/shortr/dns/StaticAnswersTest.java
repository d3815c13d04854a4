package dev.shortr.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Static answers that Knot DNS gives for the same data (KnotOracleIT found each of these differences): the SOA
 * at the apex, CNAME chains that end at no data or no name (RFC 6604), CNAME loops, ANY at an empty non-terminal and at a CNAME,
 * and the addresses of an SVCB/HTTPS target (RFC 9460 §4.2); and, found reviewing the golden wire files, the OPT
 * an error response owes a query with EDNS. Against {@code static-zone.yaml}.
 */
class StaticAnswersTest {
    static Zone zone;

    @BeforeAll
    static void load() throws ZoneFile.Invalid {
        zone = ZoneFile.load(Path.of("src/test/resources/dns/static-zone.yaml"));
    }

    static Message ask(String name, int type) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            Answerer a = new Answerer(() -> zone, SiteHealth.ALL_UP, null, RandomGenerator.of("L32X64MixRandom"));
            return new Message(((Answerer.Reply.Single) a.answer(q.toWire(), InetAddress.getByName("192.0.2.77"), false)).wire());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<String> section(Message m, int section) {
        return m.getSection(section).stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList();
    }

    @Test
    void theApexAnswersItsSoa() {
        Message m = ask("sho.rt.", Type.SOA);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).hasSize(1);
        SOARecord soa = (SOARecord) m.getSection(Section.ANSWER).getFirst();
        assertThat(soa.getSerial()).isEqualTo(2026112501L);
        assertThat(soa.getTTL()).isEqualTo(3600); // the record's own TTL, not the negative one
        assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(ask("mail.sho.rt.", Type.SOA).getSection(Section.ANSWER)).isEmpty(); // only at the apex
    }

    @Test
    void aCnameToANameThatDoesNotExistIsNxdomainWithTheChainAndTheSoa() {
        Message m = ask("gone.sho.rt.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(section(m, Section.ANSWER)).containsExactly("gone.sho.rt. CNAME nothere.sho.rt.");
        assertThat(section(m, Section.AUTHORITY)).singleElement().asString().startsWith("sho.rt. SOA");
    }

    @Test
    void aChainToANameWithoutTheTypeIsNodataWithTheChainAndTheSoa() {
        Message m = ask("w2.sho.rt.", Type.SRV);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(section(m, Section.ANSWER)).containsExactly("w2.sho.rt. CNAME www.sho.rt.", "www.sho.rt. CNAME sho.rt.");
        assertThat(section(m, Section.AUTHORITY)).singleElement().asString().startsWith("sho.rt. SOA");
        assertThat(section(ask("w2.sho.rt.", Type.A), Section.ANSWER))
                .containsExactly("w2.sho.rt. CNAME www.sho.rt.", "www.sho.rt. CNAME sho.rt.", "sho.rt. A 198.51.100.1");
    }

    @Test
    void aCnameLoopIsAnsweredOnceRound() {
        Message m = ask("loop1.sho.rt.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(section(m, Section.ANSWER)).containsExactly("loop1.sho.rt. CNAME loop2.sho.rt.", "loop2.sho.rt. CNAME loop1.sho.rt.");
    }

    @Test
    void anyAtAnEmptyNonTerminalIsNodataNotASynthesizedHinfo() {
        Message m = ask("b.deep.sho.rt.", Type.ANY);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(section(m, Section.AUTHORITY)).singleElement().asString().startsWith("sho.rt. SOA");
        assertThat(section(ask("a.b.deep.sho.rt.", Type.ANY), Section.ANSWER)).containsExactly("a.b.deep.sho.rt. HINFO \"RFC8482\" \"\"");
    }

    @Test
    void anyAtACnameIsTheCnameAloneNeverAnHinfoBesideIt() {
        // RFC 1034 §3.6.2: nothing else at a CNAME's owner; Knot answers the same
        assertThat(section(ask("www.sho.rt.", Type.ANY), Section.ANSWER)).containsExactly("www.sho.rt. CNAME sho.rt.");
        assertThat(section(ask("gone.sho.rt.", Type.ANY), Section.ANSWER)).containsExactly("gone.sho.rt. CNAME nothere.sho.rt.");
    }

    @Test
    void anErrorToAQueryWithEdnsCarriesAnOpt() throws IOException {
        // RFC 6891 §7: if an OPT record is present in a request, the response MUST include one
        Answerer a = new Answerer(() -> zone, SiteHealth.ALL_UP, null, RandomGenerator.of("L32X64MixRandom"));
        for (int opcode : new int[] {Opcode.NOTIFY, Opcode.UPDATE, Opcode.IQUERY}) {
            Message q = Message.newQuery(Record.newRecord(Name.fromString("sho.rt."), Type.SOA, DClass.IN));
            q.getHeader().setOpcode(opcode);
            q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
            Message m = new Message(((Answerer.Reply.Single) a.answer(q.toWire(), InetAddress.getByName("192.0.2.77"), false)).wire());
            assertThat(m.getRcode()).isEqualTo(Rcode.NOTIMP);
            assertThat(m.getOPT()).as("OPT in the answer to opcode %s", Opcode.string(opcode)).isNotNull();
            assertThat(m.getOPT().getPayloadSize()).isEqualTo(Answerer.MAX_UDP_PAYLOAD);
        }
        Message twoQuestions = Message.newQuery(Record.newRecord(Name.fromString("sho.rt."), Type.A, DClass.IN));
        twoQuestions.addRecord(Record.newRecord(Name.fromString("mail.sho.rt."), Type.A, DClass.IN), Section.QUESTION);
        twoQuestions.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        Message m = new Message(((Answerer.Reply.Single) a.answer(twoQuestions.toWire(), InetAddress.getByName("192.0.2.77"), false)).wire());
        assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(m.getOPT()).isNotNull();
        Message plain = Message.newQuery(Record.newRecord(Name.fromString("sho.rt."), Type.SOA, DClass.IN));
        plain.getHeader().setOpcode(Opcode.NOTIFY);
        Message noOpt = new Message(((Answerer.Reply.Single) a.answer(plain.toWire(), InetAddress.getByName("192.0.2.77"), false)).wire());
        assertThat(noOpt.getOPT()).as("none asked, none answered").isNull();
    }

    @Test
    void anHttpsTargetInTheZoneComesWithItsAddresses() {
        Message m = ask("_8443._https.api.sho.rt.", Type.HTTPS);
        assertThat(section(m, Section.ADDITIONAL)).contains("mail.sho.rt. A 192.0.2.25", "mail.sho.rt. AAAA 2001:db8:0:0:0:0:0:25");
        assertThat(ask("sho.rt.", Type.HTTPS).getSection(Section.ADDITIONAL)).isEmpty(); // target "." is the owner itself
    }
}
