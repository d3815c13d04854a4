package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.dns.zone.Zone;
import dev.shortr.dns.zone.ZoneFile;
import dev.shortr.enrich.GeoLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Knot DNS as an oracle: Knot and shortr serve the same static zone ({@code static-zone.yaml}; Knot's master file
 * is written from the zone shortr loaded), and dig asks both the same questions: every type at every name, a type
 * each name lacks, names in other case, CNAME chains (in the zone, out of it, dangling, looping), empty
 * non-terminals, names that do not exist (also below existing names and below a CNAME), names outside the zone,
 * another class, TCP, truncation at several UDP sizes, recursion not desired, EDNS versions. Each answer must
 * match: RCODE, the flags aa, tc, ra and rd, the answer, authority and additional sections (in any order, but
 * each record as often; TTLs exact, since both are authoritative), and the EDNS UDP size.
 *
 * <p>Left out or compared less, each on purpose:
 * <ul>
 *   <li>the case of domain names inside record data (CNAME targets and the like). Both servers compress them
 *   against the question case-insensitively, so they come out in the question's case, but at different label
 *   boundaries: asked {@code LoOp2.ShO.Rt.}, the loop's {@code loop1 CNAME loop2.sho.rt.} comes out as
 *   {@code LoOp2.ShO.Rt.} from shortr (dnsjava points at the whole name) and {@code loop2.ShO.Rt.} from Knot. Names
 *   compare case-insensitively (RFC 4343), so these do; owners and all other data stay exact.</li>
 *   <li>ANY, where RFC 8482 lets Knot answer one RRset of the name (§4.1) and shortr a synthesized HINFO (§4.2):
 *   {@link #anyIsMinimalOnBothWithTheSameRcode} checks what both must share, and the whole answer at an alias.</li>
 *   <li>CH-class server identity ({@code version.bind}, {@code id.server}), which Knot answers about itself and
 *   shortr refuses: not asked.</li>
 *   <li>Knot's Extended DNS Error option on REFUSED (RFC 8914, optional): of the OPT, only the UDP size is
 *   compared.</li>
 *   <li>zone transfers, which both refuse to an address not allowed, but of which dig prints no message.</li>
 * </ul>
 */
class KnotOracleIT {
    static final Path ZONE = Path.of("src/test/resources/dns/static-zone.yaml");

    @TempDir
    static Path dir;
    static Zone zone;
    static Knot knot;
    static DnsRole shortr;

    @BeforeAll
    static void start() throws Exception {
        zone = ZoneFile.load(ZONE);
        knot = Knot.serve(zone, dir.resolve("knot"));
        shortr = DnsRole.start(ZONE, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (shortr != null) {
            shortr.close();
        }
        if (knot != null) {
            knot.close();
        }
    }

    /** One question with dig's options for it alone ({@code +tcp}, {@code +bufsize=512}, ...). */
    record Question(String name, String type, List<String> options) {
        Question(String name, String type, String... options) {
            this(name, type, List.of(options));
        }

        List<String> args() {
            List<String> a = new ArrayList<>(List.of(name, type));
            a.addAll(options);
            return a;
        }

        @Override
        public String toString() {
            return String.join(" ", args());
        }
    }

    /** What must match: flags that carry meaning, and the sections in any order (a record twice is a difference). */
    record View(String status, Set<String> flags, List<String> answer, List<String> authority, List<String> additional, int udp) {
        /** Types whose data is domain names only (and numbers), so compare as names do: in any case. */
        private static final Set<String> NAMES_IN_DATA = Set.of("CNAME", "DNAME", "NS", "PTR", "MX", "SRV", "SOA");

        static View of(Dig.Response r) {
            Set<String> flags = new TreeSet<>(r.flags());
            flags.retainAll(Set.of("aa", "tc", "ra", "rd"));
            return new View(r.status(), flags, sorted(r.answer()), sorted(r.authority()), sorted(r.additional()), r.udp());
        }

        private static List<String> sorted(List<Dig.Rr> rrs) {
            List<String> out = new ArrayList<>();
            for (Dig.Rr rr : rrs) {
                String data = NAMES_IN_DATA.contains(rr.type()) ? rr.rdata().toLowerCase(Locale.ROOT) : rr.rdata();
                out.add(rr.name() + " " + rr.ttl() + " " + rr.type() + " " + data);
            }
            out.sort(null);
            return out;
        }
    }

    static List<Question> questions() {
        List<Question> q = new ArrayList<>();
        Set<Name> owners = new LinkedHashSet<>();
        Set<String> asked = new LinkedHashSet<>();
        for (Record r : zone.staticRecords()) {
            owners.add(r.getName());
            if (asked.add(r.getName() + " " + Type.string(r.getType()))) {
                q.add(new Question(r.getName().toString(), Type.string(r.getType()))); // every type at every name
            }
        }
        for (Name owner : owners) {
            String name = owner.toString();
            q.add(new Question(name, "NAPTR")); // a type no name has: NODATA, or a chain to NODATA
            q.add(new Question(name, "A"));
            q.add(new Question(name, "AAAA"));
            q.add(new Question(mixedCase(name), "A")); // 0x20: matched in any case, answered in the query's
            q.add(new Question(name.toUpperCase(Locale.ROOT), "TXT"));
            q.add(new Question("nope." + name, "A")); // below every name, nothing
        }
        for (String cname : List.of("www", "w2", "docs", "gone", "loop1", "loop2")) {
            for (String type : List.of("CNAME", "MX", "TXT", "HTTPS", "SRV", "SOA", "NS")) {
                q.add(new Question(cname + ".sho.rt.", type));
            }
        }
        // empty non-terminals: they exist, with nothing of their own
        for (String ent : List.of("deep", "b.deep", "_tcp", "_udp", "_https.api", "_tcp.www", "B.DeeP")) {
            q.add(new Question(ent + ".sho.rt.", "A"));
            q.add(new Question(ent + ".sho.rt.", "TXT"));
        }
        for (String missing : List.of("nope.sho.rt.", "x.a.b.deep.sho.rt.", "nothere.sho.rt.", "x.nope.sho.rt.", "NOPE.SHO.RT.")) {
            q.add(new Question(missing, "A"));
            q.add(new Question(missing, "SOA"));
        }
        for (String outside : List.of("example.com.", "notsho.rt.", "rt.", ".", "sho.rt.example.com.", "xsho.rt.")) {
            q.add(new Question(outside, "A"));
            q.add(new Question(outside, "NS"));
        }
        q.add(new Question("sho.rt.", "TXT", "CH")); // another class: a class word after the name, never dig's -c
        q.add(new Question("sho.rt.", "SOA", "HS"));
        // transports and sizes
        for (String size : List.of("+noedns", "+bufsize=512", "+bufsize=1232", "+bufsize=4096")) {
            q.add(new Question("big.sho.rt.", "TXT", size, "+ignore"));
            q.add(new Question("sho.rt.", "NS", size, "+ignore"));
            q.add(new Question("sho.rt.", "MX", size, "+ignore"));
        }
        q.add(new Question("big.sho.rt.", "TXT", "+tcp"));
        q.add(new Question("sho.rt.", "NS", "+tcp"));
        q.add(new Question("nope.sho.rt.", "A", "+tcp"));
        q.add(new Question("gone.sho.rt.", "A", "+tcp"));
        q.add(new Question("sho.rt.", "SOA", "+norec"));
        q.add(new Question("nope.sho.rt.", "A", "+norec"));
        q.add(new Question("example.com.", "A", "+norec"));
        q.add(new Question("mail.sho.rt.", "A", "+edns=1", "+noednsneg"));
        return q;
    }

    static String mixedCase(String name) {
        StringBuilder b = new StringBuilder(name);
        IntStream.range(0, b.length()).filter(i -> i % 2 == 0).forEach(i -> b.setCharAt(i, Character.toUpperCase(b.charAt(i))));
        return b.toString();
    }

    /** Asks every question of the server on {@code port} with one dig, in order; one response each. */
    static List<Dig.Response> ask(int port, List<Question> questions) {
        String[] args = questions.stream().flatMap(q -> q.args().stream()).toArray(String[]::new);
        List<Dig.Response> responses = Dig.askAll(port, args);
        assertThat(responses).as("one response per question from port %d", port).hasSameSizeAs(questions);
        for (int i = 0; i < questions.size(); i++) {
            // dig reads a batch by its own rules (a type word where a name was expected starts a question): check each
            Question q = questions.get(i);
            String[] asked = responses.get(i).question().split("\\s+");
            assertThat(asked[0]).as("question %d, %s", i, q).isEqualToIgnoringCase(q.name().endsWith(".") ? q.name() : q.name() + ".");
            assertThat(asked[asked.length - 1]).as("question %d, %s", i, q).isEqualTo(q.type());
        }
        return responses;
    }

    @TestFactory
    Stream<DynamicTest> shortrAnswersAsKnotDoes() {
        List<Question> questions = questions();
        List<Dig.Response> fromKnot = ask(knot.port(), questions);
        List<Dig.Response> fromShortr = ask(shortr.port(), questions);
        return IntStream.range(0, questions.size()).mapToObj(i -> DynamicTest.dynamicTest(questions.get(i).toString(), () -> {
            View expected = View.of(fromKnot.get(i));
            View actual = View.of(fromShortr.get(i));
            assertThat(actual).as("shortr's answer to '%s' (Knot's is the expected one)", questions.get(i)).isEqualTo(expected);
        }));
    }

    @Test
    void theQuestionsCoverEveryNameAndTypeOfTheZoneAndEveryKindOfAnswer() {
        // a zone file that lost records would make the oracle compare less: check that Knot serves them all
        List<Question> questions = questions();
        List<Dig.Response> fromKnot = ask(knot.port(), questions);
        Set<String> statuses = new TreeSet<>();
        fromKnot.forEach(r -> statuses.add(r.status()));
        assertThat(statuses).contains("NOERROR", "NXDOMAIN", "REFUSED", "BADVERS");
        long nodata = fromKnot.stream().filter(r -> r.status().equals("NOERROR") && r.answer().isEmpty() && !r.authority().isEmpty()).count();
        long truncated = fromKnot.stream().filter(r -> r.flag("tc")).count();
        assertThat(nodata).isGreaterThan(20);
        assertThat(truncated).isPositive();
        Set<String> served = new TreeSet<>();
        fromKnot.forEach(r -> r.answer().forEach(rr -> served.add(rr.name().toLowerCase(Locale.ROOT) + " " + rr.type())));
        Set<String> inZone = new TreeSet<>();
        zone.staticRecords().forEach(r -> inZone.add(r.getName().toString().toLowerCase(Locale.ROOT) + " " + Type.string(r.getType())));
        assertThat(served).containsAll(inZone);
    }

    @Test
    void anyIsMinimalOnBothWithTheSameRcode() {
        List<Question> questions = Stream.of("sho.rt.", "mail.sho.rt.", "big.sho.rt.", "deep.sho.rt.", "b.deep.sho.rt.", "nope.sho.rt.",
                "example.com.", "www.sho.rt.", "w2.sho.rt.", "docs.sho.rt.", "gone.sho.rt.", "loop1.sho.rt.").map(n -> new Question(n, "ANY")).toList();
        List<Dig.Response> fromKnot = ask(knot.port(), questions);
        List<Dig.Response> fromShortr = ask(shortr.port(), questions);
        for (int i = 0; i < questions.size(); i++) {
            Dig.Response k = fromKnot.get(i);
            Dig.Response s = fromShortr.get(i);
            Question q = questions.get(i);
            assertThat(s.status()).as("RCODE of %s", q).isEqualTo(k.status());
            assertThat(s.flag("aa")).as("aa of %s", q).isEqualTo(k.flag("aa"));
            assertThat(s.authority()).as("authority of %s", q).isEqualTo(k.authority());
            // never the whole name: at most one RRset, and something exactly where Knot has something
            assertThat(s.answer().stream().map(Dig.Rr::type).distinct()).as("types answered to %s", q).hasSizeLessThanOrEqualTo(1);
            assertThat(s.answer().isEmpty()).as("empty answer to %s", q).isEqualTo(k.answer().isEmpty());
            if (k.answer().stream().anyMatch(r -> r.type().equals("CNAME"))) {
                // at an alias both answer the CNAME alone: nothing may stand beside it (RFC 1034 §3.6.2)
                assertThat(View.of(s)).as("answer to %s", q).isEqualTo(View.of(k));
            }
        }
    }
}
