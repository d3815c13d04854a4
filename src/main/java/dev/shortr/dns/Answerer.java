package dev.shortr.dns;

import dev.shortr.dns.zone.GeoMap;
import dev.shortr.dns.zone.Site;
import dev.shortr.dns.zone.Steering;
import dev.shortr.dns.zone.Zone;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.HTTPSRecord;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SVCBBase;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Builds the response to one query: a pure function of the query's bytes, the client's address, the current
 * zone and site health (plus a random source for weighted picks). Guard clauses turn protocol violations into
 * RCODEs before any lookup; "not found" is an answer, never an exception.
 */
public final class Answerer {
    /** The largest UDP response we send (the DNS Flag Day 2020 figure): no IP fragmentation on common paths. */
    public static final int MAX_UDP_PAYLOAD = 1232;
    private static final int MAX_CNAME_CHAIN = 8;
    private static final int TRANSFER_MESSAGE_BYTES = 16_000;

    /** What to send back. */
    public sealed interface Reply {
        /** Send nothing: not a query (a response, or too short to have a header). */
        record Drop(String why) implements Reply {}

        /**
         * One message.
         *
         * @param cacheable whether the response depends on nothing but the query's bytes (not on the client, site
         *                  health or a random pick), so that it may be sent again for the same bytes
         */
        record Single(byte[] wire, int rcode, boolean truncated, boolean cacheable) implements Reply {}

        /** A zone transfer: several messages, over TCP only. */
        record Transfer(List<byte[]> messages) implements Reply {}
    }

    /**
     * The outcome of a lookup in the zone (CoreDNS's typed result). {@code chain} holds the CNAMEs followed to
     * the name that had no data or did not exist: they are answered, and the last name decides the RCODE (RFC 6604).
     */
    sealed interface Lookup {
        /** @param steered whether a pool chose the answer (so it varies with health, place and chance) */
        record Success(List<Record> answers, int scope, boolean steered) implements Lookup {}

        record NoData(List<Record> chain, int scope, boolean steered) implements Lookup {}

        record NameError(List<Record> chain) implements Lookup {}

        record ServFail() implements Lookup {}
    }

    private final Supplier<Zone> zone;
    private final SiteHealth health;
    private final Function<InetAddress, String> countryOf;
    private final RandomGenerator random;

    /**
     * @param countryOf the ISO country of an address (a geo database), or null for none
     */
    public Answerer(Supplier<Zone> zone, SiteHealth health, Function<InetAddress, String> countryOf, RandomGenerator random) {
        this.zone = zone;
        this.health = health;
        this.countryOf = countryOf;
        this.random = random;
    }

    /** The response to {@code query} from {@code client}, received over TCP or UDP. */
    public Reply answer(byte[] query, InetAddress client, boolean tcp) {
        if (query.length < Header.LENGTH) {
            return new Reply.Drop("shorter than a header");
        }
        if ((query[2] & 0x80) != 0) {
            return new Reply.Drop("a response, not a query"); // answering responses is how reflection loops start
        }
        int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        Message q;
        try {
            q = new Message(query);
        } catch (IOException | RuntimeException e) {
            return error(id, (query[2] >>> 3) & 0xf, (query[2] & 1) != 0, Rcode.FORMERR, null, tcp);
        }
        Header qh = q.getHeader();
        Record question = q.getQuestion();
        OPTRecord opt = q.getOPT();
        if (qh.getOpcode() != Opcode.QUERY) {
            return error(id, qh.getOpcode(), qh.getFlag(Flags.RD), Rcode.NOTIMP, opt, tcp);
        }
        if (question == null || qh.getCount(Section.QUESTION) != 1 || qh.getCount(Section.ANSWER) != 0
                || q.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.OPT).count() > 1) {
            return error(id, qh.getOpcode(), qh.getFlag(Flags.RD), Rcode.FORMERR, opt, tcp);
        }
        Message r = response(q);
        if (opt != null && opt.getVersion() != 0) {
            // RFC 6891 §6.1.3: BADVERS (16) lives in the OPT's extended RCODE; no answer
            r.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, Rcode.BADVERS >>> 4, 0, 0), Section.ADDITIONAL);
            return single(r, Rcode.BADVERS, opt, tcp);
        }
        int qtype = question.getType();
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return refuse(r, opt, tcp);
        }
        if (qtype == Type.OPT || qtype == Type.TSIG || qtype == Type.TKEY || qtype == Type.MAILA || qtype == Type.MAILB) {
            r.getHeader().setRcode(Rcode.FORMERR);
            return single(r, Rcode.FORMERR, opt, tcp);
        }
        Zone z = zone.get();
        Name qname = question.getName();
        if (z == null || !z.contains(qname)) {
            return refuse(r, opt, tcp);
        }
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            return transfer(q, query, r, z, client, tcp);
        }
        r.getHeader().setFlag(Flags.AA);

        Subnet subnet = Subnet.of(opt, client);
        Lookup lookup = qtype == Type.ANY ? any(qname, z) : lookup(qname, qtype, z, subnet, List.of());
        int scope = 0;
        boolean fixed = true;
        switch (lookup) {
            case Lookup.Success s -> {
                s.answers().forEach(a -> r.addRecord(a, Section.ANSWER));
                additional(r, s.answers(), z);
                scope = s.scope();
                fixed = !s.steered();
            }
            case Lookup.NoData n -> {
                n.chain().forEach(a -> r.addRecord(a, Section.ANSWER));
                negative(r, z);
                scope = n.scope();
                fixed = !n.steered();
            }
            case Lookup.NameError e -> {
                e.chain().forEach(a -> r.addRecord(a, Section.ANSWER));
                r.getHeader().setRcode(Rcode.NXDOMAIN);
                negative(r, z);
            }
            case Lookup.ServFail f -> {
                r.getHeader().unsetFlag(Flags.AA);
                r.getHeader().setRcode(Rcode.SERVFAIL);
                fixed = false;
            }
        }
        if (opt != null) {
            r.addRecord(opt(subnet, scope), Section.ADDITIONAL);
        }
        return single(r, r.getHeader().getRcode(), opt, tcp, fixed);
    }

    /** @param followed the names whose CNAMEs led here, so that a loop is answered once round (as Knot does) */
    private Lookup lookup(Name name, int qtype, Zone z, Subnet subnet, List<Name> followed) {
        List<Record> cname = z.records(name, Type.CNAME);
        if (!cname.isEmpty() && qtype != Type.CNAME) {
            List<Record> chain = new ArrayList<>(cname);
            Name target = ((CNAMERecord) cname.getFirst()).getTarget();
            List<Name> next = new ArrayList<>(followed);
            next.add(name);
            if (next.size() <= MAX_CNAME_CHAIN && z.contains(target) && !next.contains(target)) {
                switch (lookup(target, qtype, z, subnet, next)) {
                    case Lookup.Success s -> {
                        chain.addAll(s.answers());
                        return new Lookup.Success(chain, s.scope(), s.steered());
                    }
                    case Lookup.NameError e -> {
                        // RFC 6604 §3: the RCODE is the last name's, NXDOMAIN, with the SOA (as Knot and BIND answer)
                        chain.addAll(e.chain());
                        return new Lookup.NameError(chain);
                    }
                    case Lookup.NoData n -> {
                        chain.addAll(n.chain());
                        return new Lookup.NoData(chain, n.scope(), n.steered());
                    }
                    case Lookup.ServFail f -> {
                        return f;
                    }
                }
            }
            return new Lookup.Success(chain, 0, false);
        }
        Steering steering = z.steering(name);
        if (steering != null && (qtype == Type.A || qtype == Type.AAAA || qtype == Type.HTTPS && steering.https())) {
            return steered(name, qtype, steering, z, subnet);
        }
        List<Record> found = z.records(name, qtype);
        if (!found.isEmpty()) {
            return new Lookup.Success(found, 0, false);
        }
        return z.exists(name) ? new Lookup.NoData(List.of(), 0, false) : new Lookup.NameError(List.of());
    }

    private Lookup steered(Name name, int qtype, Steering steering, Zone z, Subnet subnet) {
        GeoMap.Placement placement = null;
        int scope = 0;
        if (Selection.geographic(steering.policy())) {
            placement = z.geo().place(subnet.address(), subnet.sourcePrefix(), countryOf);
            scope = subnet.ecs() && subnet.echoPrefix() > 0 ? placement.scope() : 0;
        }
        int family = qtype == Type.A ? 4 : qtype == Type.AAAA ? 6 : 0;
        Selection.Chosen chosen = Selection.choose(steering, family, placement, health, random);
        if (chosen.servfail()) {
            return new Lookup.ServFail();
        }
        if (chosen.sites().isEmpty()) {
            return new Lookup.NoData(List.of(), scope, true);
        }
        long ttl = steering.ttl();
        List<Record> answers = new ArrayList<>();
        List<Inet4Address> v4 = new ArrayList<>();
        List<Inet6Address> v6 = new ArrayList<>();
        for (Site s : chosen.sites()) {
            v4.addAll(s.ipv4());
            v6.addAll(s.ipv6());
        }
        if (qtype == Type.A) {
            v4.forEach(a -> answers.add(new ARecord(name, DClass.IN, ttl, a)));
        } else if (qtype == Type.AAAA) {
            v6.forEach(a -> answers.add(new AAAARecord(name, DClass.IN, ttl, a)));
        } else {
            answers.add(https(name, ttl, v4, v6));
        }
        return new Lookup.Success(answers, scope, true);
    }

    /** {@code 1 . alpn="h3,h2" ipv4hint=... ipv6hint=...}: browsers may go straight to HTTP/3 (RFC 9460). */
    static HTTPSRecord https(Name name, long ttl, List<Inet4Address> v4, List<Inet6Address> v6) {
        List<SVCBBase.ParameterBase> params = new ArrayList<>();
        try {
            params.add(new SVCBBase.ParameterAlpn(List.of("h3", "h2")));
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
        if (!v4.isEmpty()) {
            params.add(new SVCBBase.ParameterIpv4Hint(v4));
        }
        if (!v6.isEmpty()) {
            params.add(new SVCBBase.ParameterIpv6Hint(v6));
        }
        return new HTTPSRecord(name, DClass.IN, ttl, 1, Name.root, params);
    }

    /** RFC 8482: ANY gets one small answer, never the whole name (a reflection amplifier otherwise). */
    private static Lookup any(Name name, Zone z) {
        if (!z.exists(name)) {
            return new Lookup.NameError(List.of());
        }
        if (z.records(name).isEmpty() && z.steering(name) == null) {
            return new Lookup.NoData(List.of(), 0, false); // an empty non-terminal has nothing to stand in for
        }
        List<Record> cname = z.records(name, Type.CNAME);
        if (!cname.isEmpty()) {
            return new Lookup.Success(cname, 0, false); // an HINFO beside a CNAME would break the CNAME rule in caches
        }
        return new Lookup.Success(List.of(new HINFORecord(name, DClass.IN, z.negativeTtl(), "RFC8482", "")), 0, false);
    }

    /**
     * Addresses of in-zone names that answers point at (MX, NS, SRV targets, and SVCB/HTTPS targets as RFC 9460
     * §4.2 asks), as the resolver will ask next.
     */
    private static void additional(Message r, List<Record> answers, Zone z) {
        for (Record a : answers) {
            Name target = switch (a) {
                case MXRecord mx -> mx.getTarget();
                case NSRecord ns -> ns.getTarget();
                case SRVRecord srv -> srv.getTarget();
                case SVCBBase svcb -> svcb.getTargetName();
                default -> null;
            };
            if (target != null && z.contains(target)) {
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    for (Record glue : z.records(target, type)) {
                        if (!r.findRecord(glue, Section.ADDITIONAL)) {
                            r.addRecord(glue, Section.ADDITIONAL);
                        }
                    }
                }
            }
        }
    }

    /** NXDOMAIN and NODATA carry the SOA, with the negative TTL, for caching (RFC 2308 §3). */
    private static void negative(Message r, Zone z) {
        SOARecord soa = z.soa();
        r.addRecord(new SOARecord(soa.getName(), DClass.IN, z.negativeTtl(), soa.getHost(), soa.getAdmin(), soa.getSerial(),
                soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()), Section.AUTHORITY);
    }

    private Reply transfer(Message q, byte[] wire, Message r, Zone z, InetAddress client, boolean tcp) {
        if (!tcp) {
            r.getHeader().setRcode(Rcode.FORMERR); // a transfer does not fit UDP (RFC 5936 §4.2)
            return single(r, Rcode.FORMERR, q.getOPT(), false);
        }
        TSIG tsig = null;
        TSIGRecord signed = q.getTSIG();
        Zone.TsigKey key = z.transfer().key();
        if (signed != null) {
            if (key == null || !key.name().equals(signed.getName())) {
                return refuse(r, q.getOPT(), true);
            }
            tsig = new TSIG(key.algorithm(), key.name(), key.secret());
            if (tsig.verify(q, wire, null) != Rcode.NOERROR) {
                return refuse(r, q.getOPT(), true);
            }
        } else if (z.transfer().allow().stream().noneMatch(c -> c.contains(client))) {
            return refuse(r, q.getOPT(), true);
        }
        Name qname = q.getQuestion().getName();
        if (!qname.equals(z.origin())) {
            r.getHeader().setRcode(Rcode.NOTAUTH);
            return single(r, Rcode.NOTAUTH, q.getOPT(), true);
        }
        List<Record> all = new ArrayList<>(z.staticRecords());
        for (var e : z.steered().entrySet()) {
            // a secondary serves every configured address: it has no health checks of its own
            Steering s = e.getValue();
            List<Inet4Address> v4 = new ArrayList<>();
            List<Inet6Address> v6 = new ArrayList<>();
            for (Site site : s.pool().sites()) {
                v4.addAll(site.ipv4());
                v6.addAll(site.ipv6());
            }
            v4.forEach(a -> all.add(new ARecord(e.getKey(), DClass.IN, s.ttl(), a)));
            v6.forEach(a -> all.add(new AAAARecord(e.getKey(), DClass.IN, s.ttl(), a)));
            if (s.https()) {
                all.add(https(e.getKey(), s.ttl(), v4, v6));
            }
        }
        all.add(z.soa());
        List<byte[]> messages = new ArrayList<>();
        TSIGRecord previous = signed;
        int i = 0;
        while (i < all.size()) {
            Message m = response(q);
            m.getHeader().setFlag(Flags.AA);
            int size = 0;
            do {
                Record rec = all.get(i++);
                m.addRecord(rec, Section.ANSWER);
                size += rec.rdataToString().length() + rec.getName().length() + 16;
            } while (i < all.size() && size < TRANSFER_MESSAGE_BYTES);
            if (tsig != null) {
                // RFC 8945 §5.3.1: the first message covers every TSIG variable, later ones only the timers
                tsig.apply(m, previous, messages.isEmpty());
                previous = m.getTSIG();
            }
            messages.add(m.toWire());
        }
        return new Reply.Transfer(messages);
    }

    /** A response skeleton: same ID, opcode, RD and CD, and the question exactly as asked (0x20 case kept). */
    private static Message response(Message q) {
        Message r = new Message(q.getHeader().getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(q.getHeader().getOpcode());
        if (q.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (q.getHeader().getFlag(Flags.CD)) {
            h.setFlag(Flags.CD);
        }
        if (q.getQuestion() != null) {
            r.addRecord(q.getQuestion(), Section.QUESTION);
        }
        return r;
    }

    private static Reply refuse(Message r, OPTRecord opt, boolean tcp) {
        r.getHeader().setRcode(Rcode.REFUSED);
        if (opt != null) {
            r.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, 0, 0, 0), Section.ADDITIONAL);
        }
        return single(r, Rcode.REFUSED, opt, tcp);
    }

    private static Reply error(int id, int opcode, boolean rd, int rcode, OPTRecord opt, boolean tcp) {
        Message r = new Message(id);
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setOpcode(opcode);
        if (rd) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setRcode(rcode);
        if (opt != null) {
            r.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, 0, 0, 0), Section.ADDITIONAL); // RFC 6891 §7: an OPT asked, an OPT answered
        }
        return single(r, rcode, opt, tcp);
    }

    private static OPTRecord opt(Subnet subnet, int scope) {
        if (!subnet.ecs()) {
            return new OPTRecord(MAX_UDP_PAYLOAD, 0, 0, 0);
        }
        int bits = subnet.echoAddress().getAddress().length * 8;
        EDNSOption ecs = new ClientSubnetOption(subnet.echoPrefix(), Math.min(scope, bits), subnet.echoAddress());
        return new OPTRecord(MAX_UDP_PAYLOAD, 0, 0, 0, ecs);
    }

    /** Renders {@code r} within the client's size limit: over UDP, what does not fit is cut and TC set. */
    private static Reply single(Message r, int rcode, OPTRecord opt, boolean tcp) {
        return single(r, rcode, opt, tcp, true);
    }

    private static Reply single(Message r, int rcode, OPTRecord opt, boolean tcp, boolean fixed) {
        int limit = tcp ? 65_535 : opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), MAX_UDP_PAYLOAD));
        byte[] wire = r.toWire(limit);
        boolean truncated = (wire[2] & 0x02) != 0;
        return new Reply.Single(wire, rcode, truncated, fixed);
    }

    /**
     * The client address a geo decision uses: the ECS subnet (RFC 7871), else the resolver's own address; and
     * the ECS option to echo ({@code echoPrefix} -1 when the query had none).
     */
    private record Subnet(InetAddress address, int sourcePrefix, InetAddress echoAddress, int echoPrefix) {
        static Subnet of(OPTRecord opt, InetAddress resolver) {
            int full = resolver.getAddress().length * 8;
            if (opt != null) {
                for (EDNSOption o : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET)) {
                    if (o instanceof ClientSubnetOption cs) {
                        if (cs.getSourcePrefixLength() == 0) {
                            // "do not use my address" (RFC 7871 §7.1.2): decide on the resolver's, and say scope 0
                            return new Subnet(resolver, full, cs.getAddress(), 0);
                        }
                        return new Subnet(cs.getAddress(), cs.getSourcePrefixLength(), cs.getAddress(), cs.getSourcePrefixLength());
                    }
                }
            }
            return new Subnet(resolver, full, null, -1);
        }

        boolean ecs() {
            return echoPrefix >= 0;
        }
    }
}
