package dev.shortr.dns.zone;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One authoritative zone, immutable: built aside by {@link ZoneFile} and swapped in whole on reload. Names
 * compare case-insensitively (dnsjava's {@link Name} does), and owners are stored as the file wrote them.
 */
public final class Zone {
    /** Who may transfer the zone (AXFR): addresses in {@code allow}, or holders of the TSIG key. */
    public record Transfer(List<Cidr> allow, TsigKey key) {
        public Transfer {
            allow = List.copyOf(allow);
        }

        public static Transfer none() {
            return new Transfer(List.of(), null);
        }
    }

    /** A TSIG key: its name, algorithm (a dnsjava algorithm name) and base64 secret. */
    public record TsigKey(Name name, Name algorithm, String secret) {
        @Override
        public String toString() {
            return "TsigKey[" + name + ", " + algorithm + ", ***]";
        }
    }

    /** Response-rate limiting against reflection: responses per second to one client block; 0 turns it off. */
    public record RateLimit(int responsesPerSecond, int slip) {
        public RateLimit {
            if (responsesPerSecond < 0 || slip < 0 || slip > 10) {
                throw new IllegalArgumentException("responsesPerSecond is at least 0 and slip 0 to 10");
            }
        }
    }

    private final Name origin;
    private final SOARecord soa;
    private final Map<Name, Map<Integer, List<Record>>> records;
    private final Set<Name> names;
    private final Map<Name, Steering> steered;
    private final Map<String, Pool> pools;
    private final GeoMap geo;
    private final Transfer transfer;
    private final RateLimit rateLimit;
    private final String source;

    Zone(Name origin, SOARecord soa, List<Record> records, Map<Name, Steering> steered, Map<String, Pool> pools, GeoMap geo,
         Transfer transfer, RateLimit rateLimit, String source) {
        this.origin = origin;
        this.soa = soa;
        Map<Name, Map<Integer, List<Record>>> byName = new HashMap<>();
        Set<Name> all = new HashSet<>();
        // the SOA is an RRset at the apex like any other: 'sho.rt SOA' answers it (a secondary's first question)
        byName.computeIfAbsent(origin, n -> new LinkedHashMap<>()).computeIfAbsent(Type.SOA, t -> new ArrayList<>()).add(soa);
        for (Record r : records) {
            byName.computeIfAbsent(r.getName(), n -> new LinkedHashMap<>()).computeIfAbsent(r.getType(), t -> new ArrayList<>()).add(r);
            addWithParents(all, r.getName());
        }
        steered.keySet().forEach(n -> addWithParents(all, n));
        byName.replaceAll((n, types) -> {
            types.replaceAll((t, list) -> List.copyOf(list));
            return Map.copyOf(types);
        });
        this.records = Map.copyOf(byName);
        this.names = Set.copyOf(all);
        this.steered = Map.copyOf(steered);
        this.pools = Map.copyOf(pools);
        this.geo = geo;
        this.transfer = transfer;
        this.rateLimit = rateLimit;
        this.source = source;
    }

    /** {@code name} and every ancestor down to the origin: a name with nothing of its own still exists (RFC 8020). */
    private void addWithParents(Set<Name> all, Name name) {
        for (Name n = name; n.subdomain(origin); n = parent(n)) {
            if (!all.add(n) || n.equals(origin)) {
                return;
            }
        }
    }

    private static Name parent(Name n) {
        return new Name(n, 1);
    }

    public Name origin() {
        return origin;
    }

    public SOARecord soa() {
        return soa;
    }

    /** The TTL of negative answers (RFC 2308 §5): the lesser of the SOA's TTL and its minimum field. */
    public long negativeTtl() {
        return Math.min(soa.getTTL(), soa.getMinimum());
    }

    public boolean contains(Name name) {
        return name.subdomain(origin);
    }

    /** Whether {@code name} exists: has records, is steered, or lies above one that does. */
    public boolean exists(Name name) {
        return names.contains(name);
    }

    /** The static records of {@code type} at {@code name}, or an empty list. */
    public List<Record> records(Name name, int type) {
        Map<Integer, List<Record>> types = records.get(name);
        return types == null ? List.of() : types.getOrDefault(type, List.of());
    }

    /** Every static record at {@code name}, by type. */
    public Map<Integer, List<Record>> records(Name name) {
        return records.getOrDefault(name, Map.of());
    }

    public Steering steering(Name name) {
        return steered.get(name);
    }

    public Map<Name, Steering> steered() {
        return steered;
    }

    public Map<String, Pool> pools() {
        return pools;
    }

    /** Every site of every pool. */
    public List<Site> sites() {
        return pools.values().stream().flatMap(p -> p.sites().stream()).toList();
    }

    public GeoMap geo() {
        return geo;
    }

    public Transfer transfer() {
        return transfer;
    }

    public RateLimit rateLimit() {
        return rateLimit;
    }

    /** Where the zone came from (its file), for logs. */
    public String source() {
        return source;
    }

    /** Every static record, SOA first: what a transfer or a master file holds. */
    public List<Record> staticRecords() {
        List<Record> out = new ArrayList<>();
        out.add(soa);
        records.values().stream().map(Map::values).flatMap(Collection::stream).flatMap(List::stream)
                .filter(r -> r.getType() != Type.SOA).forEach(out::add);
        return out;
    }

    @Override
    public String toString() {
        return "Zone[" + origin + " from " + source + ", " + records.size() + " names, " + steered.size() + " steered]";
    }
}
