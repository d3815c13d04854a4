package dev.shortr.dns.zone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads a zone from YAML, checking everything and listing every problem at once (each named by its path in
 * the file, {@code pools.web.sites[1].ipv4}). A zone that loads is one the server can serve. See docs/dns.md.
 */
public final class ZoneFile {
    private static final long MAX_BYTES = 32L << 20;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w)?");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?|@|\\*");

    /** A zone file that cannot be served, with every reason. */
    public static final class Invalid extends Exception {
        private final List<String> problems;

        public Invalid(List<String> problems) {
            super(problems.size() + " problem(s): " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final String source;
    private final List<String> problems = new ArrayList<>();
    private Name origin;

    private ZoneFile(String source) {
        this.source = source;
    }

    /** Reads and checks {@code file}. */
    public static Zone load(Path file) throws Invalid {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new Invalid(List.of(file + ": larger than 32 MiB"));
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Invalid(List.of(file + ": no such file"));
        } catch (IOException e) {
            throw new Invalid(List.of(file + ": cannot be read (" + e.getMessage() + ")"));
        }
        return parse(text, file.toString());
    }

    /** Checks the zone in {@code yaml}; {@code source} names it in problems and logs. */
    public static Zone parse(String yaml, String source) throws Invalid {
        ZoneFile f = new ZoneFile(source);
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new Invalid(List.of(source + ": not valid YAML" + where + ": " + oneLine(e.getOriginalMessage())));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new Invalid(List.of(source + ": empty; a zone needs at least 'origin' and 'nameservers'"));
        }
        Zone zone = f.zone(root);
        if (!f.problems.isEmpty()) {
            throw new Invalid(f.problems);
        }
        return zone;
    }

    private Zone zone(JsonNode root) {
        Fields top = new Fields(root, "");
        if (!top.ok()) {
            return null;
        }
        String originText = top.text("origin", null);
        if (originText == null) {
            problem("origin", "is required (the short domain, such as sho.rt)");
            originText = "invalid.";
        }
        try {
            origin = Name.fromString(originText.endsWith(".") ? originText : originText + ".").canonicalize();
        } catch (TextParseException e) {
            problem("origin", "'" + originText + "' is not a domain name");
            origin = Name.root;
        }
        long ttl = top.seconds("ttl", 3600, 0, 604_800);

        List<Name> nameservers = new ArrayList<>();
        JsonNode ns = top.get("nameservers");
        if (ns == null || !ns.isArray() || ns.isEmpty()) {
            problem("nameservers", "is required: a list of at least one name server host");
        } else {
            for (int i = 0; i < ns.size(); i++) {
                Name n = name(ns.get(i), "nameservers[" + i + "]");
                if (n != null) {
                    nameservers.add(n);
                }
            }
        }
        SOARecord soa = soa(top.object("soa"), ttl, nameservers);

        List<Record> records = new ArrayList<>();
        for (Name n : nameservers) {
            records.add(new NSRecord(origin, DClass.IN, ttl, n));
        }
        JsonNode list = top.get("records");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                problem("records", "is a list of records in master-file form, such as 'www 300 A 192.0.2.1'");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    Record r = record(list.get(i), "records[" + i + "]", ttl);
                    if (r != null) {
                        records.add(r);
                    }
                }
            }
        }

        GeoMap geo = geo(top.object("geo"));
        Map<String, Pool> pools = pools(top.object("pools"), geo);
        Map<Name, Steering> steered = names(top.object("names"), pools, geo);
        checkRecords(records, steered);
        Zone.Transfer transfer = transfer(top.object("transfer"));
        Zone.RateLimit rateLimit = rateLimit(top.object("rateLimit"));
        top.done();
        if (!problems.isEmpty() || soa == null) {
            return null;
        }
        return new Zone(origin, soa, records, steered, pools, geo, transfer, rateLimit, source);
    }

    private SOARecord soa(Fields f, long ttl, List<Name> nameservers) {
        Name primary = nameservers.isEmpty() ? null : nameservers.getFirst();
        Name contact = null;
        long serial = 1;
        long refresh = 3600;
        long retry = 600;
        long expire = 1_209_600;
        long minimum = 60;
        long soaTtl = ttl;
        if (f != null) {
            if (f.get("primary") != null) {
                primary = name(f.get("primary"), "soa.primary");
            }
            if (f.get("contact") != null) {
                // hostmaster@sho.rt is the mailbox hostmaster.sho.rt. (RFC 1035 §3.3.13); a name is taken as written
                String c = f.text("contact", "");
                String mailbox = c;
                if (c.contains("@")) {
                    int at = c.indexOf('@');
                    mailbox = c.substring(0, at).replace(".", "\\.") + "." + c.substring(at + 1);
                    mailbox = mailbox.endsWith(".") ? mailbox : mailbox + ".";
                }
                contact = name(YAML.getNodeFactory().textNode(mailbox), "soa.contact");
            }
            serial = f.integer("serial", 1, 0, 4_294_967_295L);
            refresh = f.seconds("refresh", refresh, 1, 2_147_483_647L);
            retry = f.seconds("retry", retry, 1, 2_147_483_647L);
            expire = f.seconds("expire", expire, 1, 2_147_483_647L);
            minimum = f.seconds("negativeTtl", minimum, 0, 86_400);
            soaTtl = f.seconds("ttl", ttl, 0, 604_800);
            f.done();
        }
        if (primary == null || origin == null) {
            return null;
        }
        if (contact == null) {
            contact = concat("hostmaster", origin);
        }
        return new SOARecord(origin, DClass.IN, soaTtl, primary, contact, serial, refresh, retry, expire, minimum);
    }

    private Record record(JsonNode node, String path, long ttl) {
        if (!node.isTextual()) {
            problem(path, "is a record in master-file form, such as 'www 300 A 192.0.2.1'");
            return null;
        }
        String line = node.asText().strip();
        if (line.isEmpty() || line.contains("\n") || line.startsWith("$")) {
            problem(path, "is one record on one line, such as 'www 300 A 192.0.2.1'");
            return null;
        }
        try (Master m = new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), origin, ttl)) {
            Record r = m.nextRecord();
            if (r == null || m.nextRecord() != null) {
                problem(path, "is one record, such as 'www 300 A 192.0.2.1'");
                return null;
            }
            if (r.getDClass() != DClass.IN) {
                problem(path, "class " + DClass.string(r.getDClass()) + " is not served; only IN");
                return null;
            }
            if (!r.getName().subdomain(origin)) {
                problem(path, r.getName() + " is outside the zone " + origin);
                return null;
            }
            return r;
        } catch (TextParseException e) {
            problem(path, "'" + line + "': " + clean(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            problem(path, "'" + line + "' cannot be read: " + clean(e.getMessage()));
        }
        return null;
    }

    private void checkRecords(List<Record> records, Map<Name, Steering> steered) {
        Map<Name, Set<Integer>> types = new HashMap<>();
        for (Record r : records) {
            types.computeIfAbsent(r.getName(), n -> new HashSet<>()).add(r.getType());
            String what = "records: " + r.getName() + " " + Type.string(r.getType());
            switch (r.getType()) {
                case Type.SOA -> problems.add(what + ": the SOA comes from 'soa', not from records");
                case Type.NS -> {
                    if (!r.getName().equals(origin)) {
                        problems.add(what + ": delegating a subdomain is not supported; name servers of the apex go in 'nameservers'");
                    }
                }
                case Type.CNAME -> {
                    if (r.getName().equals(origin)) {
                        problems.add(what + ": a CNAME cannot be at the apex (RFC 1034 §3.6.2); use A/AAAA and HTTPS, or a pool under 'names'");
                    }
                }
                case Type.A, Type.AAAA -> {
                    if (steered.containsKey(r.getName())) {
                        problems.add(what + ": the name is steered under 'names', so its pool answers " + Type.string(r.getType()));
                    }
                }
                case Type.HTTPS -> {
                    Steering s = steered.get(r.getName());
                    if (s != null && s.https()) {
                        problems.add(what + ": the name is steered with https: true, so its pool answers HTTPS");
                    }
                }
                default -> { }
            }
        }
        types.forEach((name, set) -> {
            if (set.contains(Type.CNAME) && (set.size() > 1 || steered.containsKey(name))) {
                problems.add("records: " + name + " has a CNAME and other data; a CNAME stands alone (RFC 1034 §3.6.2)");
            }
        });
        // duplicate records are legal but always a mistake here
        Set<Record> seen = new HashSet<>();
        for (Record r : records) {
            if (!seen.add(r)) {
                problems.add("records: " + r + " is listed twice");
            }
        }
    }

    private GeoMap geo(Fields f) {
        if (f == null) {
            return GeoMap.empty();
        }
        Map<String, GeoMap.Region> regions = new LinkedHashMap<>();
        Fields r = f.object("regions");
        if (r != null) {
            for (String key : r.keys()) {
                Fields one = r.object(key);
                if (one == null) {
                    continue;
                }
                double lat = one.number("lat", Double.NaN, -90, 90);
                double lon = one.number("lon", Double.NaN, -180, 180);
                one.done();
                if (Double.isNaN(lat) || Double.isNaN(lon)) {
                    problem("geo.regions." + key, "needs lat and lon");
                    continue;
                }
                regions.put(key, new GeoMap.Region(key, lat, lon));
            }
            r.done();
        }
        List<GeoMap.Network> networks = new ArrayList<>();
        Fields n = f.object("networks");
        if (n != null) {
            for (String key : n.keys()) {
                String region = n.text(key, "");
                GeoMap.Region reg = regions.get(region);
                if (reg == null) {
                    problem("geo.networks." + key, "region '" + region + "' is not under geo.regions");
                    continue;
                }
                try {
                    Cidr c = Cidr.parse(key);
                    networks.add(new GeoMap.Network(c.prefix(), c.length(), reg));
                } catch (IllegalArgumentException e) {
                    problem("geo.networks." + key, e.getMessage());
                }
            }
            n.done();
        }
        Map<String, GeoMap.Region> countries = new HashMap<>();
        Fields c = f.object("countries");
        if (c != null) {
            for (String key : c.keys()) {
                String region = c.text(key, "");
                if (!key.matches("[A-Z]{2}")) {
                    problem("geo.countries." + key, "is not an ISO 3166 country code such as DE");
                } else if (!regions.containsKey(region)) {
                    problem("geo.countries." + key, "region '" + region + "' is not under geo.regions");
                } else {
                    countries.put(key, regions.get(region));
                }
            }
            c.done();
        }
        GeoMap.Region fallback = null;
        String def = f.text("default", null);
        if (def != null) {
            fallback = regions.get(def);
            if (fallback == null) {
                problem("geo.default", "region '" + def + "' is not under geo.regions");
            }
        }
        f.done();
        return new GeoMap(regions, networks, countries, fallback);
    }

    private Map<String, Pool> pools(Fields f, GeoMap geo) {
        Map<String, Pool> pools = new LinkedHashMap<>();
        if (f == null) {
            return pools;
        }
        for (String name : f.keys()) {
            String path = "pools." + name;
            Fields p = f.object(name);
            if (p == null) {
                continue;
            }
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
                problem(path, "a pool name is letters, digits, '-' and '_'");
            }
            HealthCheck check = check(p.object("check"), path + ".check");
            List<Site> sites = new ArrayList<>();
            JsonNode list = p.get("sites");
            if (list == null || !list.isArray() || list.isEmpty()) {
                problem(path + ".sites", "is required: a list of at least one site");
            } else {
                Set<String> names = new HashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    Site s = site(new Fields(list.get(i), path + ".sites[" + i + "]"), name, check, geo);
                    if (s != null && !names.add(s.name())) {
                        problem(path + ".sites[" + i + "]", "site '" + s.name() + "' is listed twice");
                    } else if (s != null) {
                        sites.add(s);
                    }
                }
            }
            p.done();
            if (!sites.isEmpty()) {
                pools.put(name, new Pool(name, sites));
            }
        }
        f.done();
        return pools;
    }

    private HealthCheck check(Fields f, String path) {
        HealthCheck d = HealthCheck.defaults();
        if (f == null) {
            return d;
        }
        String scheme = f.text("scheme", d.scheme());
        int port = (int) f.integer("port", scheme.equals("https") ? 443 : d.port(), 1, 65_535);
        String checkPath = f.text("path", d.path());
        long interval = f.millis("interval", d.interval().toMillis(), 100, 3_600_000);
        long timeout = f.millis("timeout", d.timeout().toMillis(), 10, 600_000);
        int rise = (int) f.integer("rise", d.rise(), 1, 100);
        int fall = (int) f.integer("fall", d.fall(), 1, 100);
        f.done();
        try {
            return new HealthCheck(scheme, port, checkPath, Duration.ofMillis(interval), Duration.ofMillis(timeout), rise, fall);
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return d;
        }
    }

    private Site site(Fields f, String pool, HealthCheck check, GeoMap geo) {
        if (!f.ok()) {
            return null;
        }
        String name = f.text("name", null);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
            problem(f.path + ".name", "is required: letters, digits, '.', '-' and '_'");
            name = "?";
        }
        List<Inet4Address> v4 = new ArrayList<>();
        List<Inet6Address> v6 = new ArrayList<>();
        for (String a : f.texts("ipv4")) {
            InetAddress ip = address(a, f.path + ".ipv4");
            if (ip instanceof Inet4Address four) {
                v4.add(four);
            } else if (ip != null) {
                problem(f.path + ".ipv4", a + " is not an IPv4 address");
            }
        }
        for (String a : f.texts("ipv6")) {
            InetAddress ip = address(a, f.path + ".ipv6");
            if (ip instanceof Inet6Address six) {
                v6.add(six);
            } else if (ip != null) {
                problem(f.path + ".ipv6", a + " is not an IPv6 address");
            }
        }
        String region = f.text("region", "");
        GeoMap.Region r = geo.regions().get(region);
        if (!region.isEmpty() && r == null && !geo.regions().isEmpty()) {
            problem(f.path + ".region", "region '" + region + "' is not under geo.regions");
        }
        double lat = f.number("lat", r == null ? Double.NaN : r.lat(), -90, 90);
        double lon = f.number("lon", r == null ? Double.NaN : r.lon(), -180, 180);
        int weight = (int) f.integer("weight", 1, 0, 1_000_000);
        URI checkUrl = null;
        String url = f.text("checkUrl", null);
        if (url != null) {
            try {
                checkUrl = new URI(url);
                if (!"http".equals(checkUrl.getScheme()) && !"https".equals(checkUrl.getScheme()) || checkUrl.getHost() == null) {
                    problem(f.path + ".checkUrl", "is an http(s) URL with a host");
                }
            } catch (URISyntaxException e) {
                problem(f.path + ".checkUrl", "is not a URL: " + e.getReason());
            }
        }
        f.done();
        if (v4.isEmpty() && v6.isEmpty()) {
            problem(f.path, "needs at least one address under ipv4 or ipv6");
            return null;
        }
        boolean located = !Double.isNaN(lat) && !Double.isNaN(lon);
        try {
            return new Site(pool + "/" + name, name, v4, v6, region, located ? lat : 0, located ? lon : 0, weight, check, checkUrl,
                    located);
        } catch (IllegalArgumentException e) {
            problem(f.path, e.getMessage());
            return null;
        }
    }

    private Map<Name, Steering> names(Fields f, Map<String, Pool> pools, GeoMap geo) {
        Map<Name, Steering> out = new LinkedHashMap<>();
        if (f == null) {
            return out;
        }
        for (String key : f.keys()) {
            String path = "names." + key;
            Fields s = f.object(key);
            if (s == null) {
                continue;
            }
            Name name = relative(key, path);
            String poolName = s.text("pool", null);
            Pool pool = poolName == null ? null : pools.get(poolName);
            if (pool == null) {
                problem(path + ".pool", poolName == null ? "is required" : "pool '" + poolName + "' is not under pools");
            }
            String policyText = s.text("policy", "weighted");
            Policy policy = null;
            try {
                policy = Policy.valueOf(policyText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(path + ".policy", "'" + policyText + "' is not one of weighted, geo, nearest, failover");
            }
            long ttl = s.seconds("ttl", 30, 0, 86_400);
            int answers = (int) s.integer("answers", 1, 1, 16);
            String allDown = s.text("whenAllDown", "all");
            if (!allDown.equals("all") && !allDown.equals("none")) {
                problem(path + ".whenAllDown", "is all (answer every site anyway) or none (SERVFAIL), not '" + allDown + "'");
            }
            boolean https = s.bool("https", true);
            s.done();
            if (policy == Policy.GEO && geo.regions().isEmpty()) {
                problem(path + ".policy", "geo needs regions under geo.regions, with networks or countries");
            }
            if (pool != null && policy == Policy.NEAREST) {
                for (Site site : pool.sites()) {
                    if (!site.located()) {
                        problem(path + ".policy", "nearest needs coordinates: site " + site.key() + " has no lat/lon and no region with them");
                    }
                }
            }
            if (name != null && pool != null && policy != null) {
                out.put(name, new Steering(pool, policy, ttl, answers, allDown.equals("all"), https));
            }
        }
        f.done();
        return out;
    }

    private Zone.Transfer transfer(Fields f) {
        if (f == null) {
            return Zone.Transfer.none();
        }
        List<Cidr> allow = new ArrayList<>();
        for (String a : f.texts("allow")) {
            try {
                allow.add(Cidr.parse(a));
            } catch (IllegalArgumentException e) {
                problem("transfer.allow", e.getMessage());
            }
        }
        Zone.TsigKey key = null;
        Fields t = f.object("tsig");
        if (t != null) {
            Name keyName = name(t.get("name"), "transfer.tsig.name");
            String algorithm = t.text("algorithm", "hmac-sha256");
            String secret = t.text("secret", "");
            t.done();
            Name alg = switch (algorithm.toLowerCase(Locale.ROOT)) {
                case "hmac-sha256" -> TSIG.HMAC_SHA256;
                case "hmac-sha384" -> TSIG.HMAC_SHA384;
                case "hmac-sha512" -> TSIG.HMAC_SHA512;
                default -> {
                    problem("transfer.tsig.algorithm", "'" + algorithm + "' is not hmac-sha256, hmac-sha384 or hmac-sha512");
                    yield null;
                }
            };
            try {
                if (java.util.Base64.getDecoder().decode(secret).length < 16) {
                    problem("transfer.tsig.secret", "is a base64 secret of at least 16 bytes");
                }
            } catch (IllegalArgumentException e) {
                problem("transfer.tsig.secret", "is not base64");
            }
            if (keyName != null && alg != null) {
                key = new Zone.TsigKey(keyName, alg, secret);
            }
        }
        f.done();
        return new Zone.Transfer(allow, key);
    }

    private Zone.RateLimit rateLimit(Fields f) {
        if (f == null) {
            return new Zone.RateLimit(100, 2);
        }
        int rps = (int) f.integer("responsesPerSecond", 100, 0, 1_000_000);
        int slip = (int) f.integer("slip", 2, 0, 10);
        f.done();
        return new Zone.RateLimit(rps, slip);
    }

    private Name relative(String text, String path) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("@")) {
            return origin;
        }
        if (t.endsWith(".")) {
            Name n = name(YAML.getNodeFactory().textNode(t), path);
            if (n != null && !n.subdomain(origin)) {
                problem(path, n + " is outside the zone " + origin);
                return null;
            }
            return n;
        }
        for (String label : t.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                problem(path, "'" + text + "' is not a name in the zone (relative, such as www, or @ for the apex)");
                return null;
            }
        }
        return concat(t, origin);
    }

    private Name concat(String relative, Name base) {
        try {
            return Name.concatenate(Name.fromString(relative), base);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            problem("origin", "'" + relative + "." + base + "' is not a domain name");
            return base;
        }
    }

    private Name name(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            problem(path, "is a domain name");
            return null;
        }
        String t = node.asText().strip();
        try {
            return t.endsWith(".") ? Name.fromString(t) : Name.fromString(t, origin);
        } catch (TextParseException e) {
            problem(path, "'" + t + "' is not a domain name");
            return null;
        }
    }

    private InetAddress address(String text, String path) {
        try {
            if (text.contains(":") || text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                return InetAddress.getByName(text);
            }
        } catch (IOException e) {
            // falls through to the problem below
        }
        problem(path, "'" + text + "' is not an IP address");
        return null;
    }

    /** The parser's message without its drawing of the spot (indented lines: "in 'reader', line 2", the line, a caret). */
    private static String oneLine(String message) {
        String text = message == null ? "" : message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(java.util.stream.Collectors.joining("; "));
        return text.isEmpty() && message != null ? message.replaceAll("\\s+", " ").strip() : text;
    }

    /** dnsjava's parse message without where it thinks the line came from ("<none>:1: "): the path says that. */
    private static String clean(String message) {
        return message == null ? "invalid" : message.replace("'<stdin>' ", "").replaceFirst("^<none>:\\d+: ", "")
                .replaceAll("\\s+", " ").strip();
    }

    private void problem(String path, String what) {
        problems.add(path + ": " + what);
    }

    /** A mapping of the file, remembering which keys were read so that an unknown (misspelt) one is reported. */
    private final class Fields {
        private final JsonNode node;
        private final String path;
        private final Set<String> used = new HashSet<>();

        Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
            if (node == null || !node.isObject()) {
                problem(path.isEmpty() ? source : path, "is a mapping of keys to values");
            }
        }

        boolean ok() {
            return node != null && node.isObject();
        }

        private String at(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        List<String> keys() {
            List<String> keys = new ArrayList<>();
            if (ok()) {
                node.fieldNames().forEachRemaining(keys::add);
            }
            used.addAll(keys);
            return keys;
        }

        JsonNode get(String key) {
            used.add(key);
            return ok() ? node.get(key) : null;
        }

        Fields object(String key) {
            JsonNode n = get(key);
            return n == null || n.isNull() ? null : new Fields(n, at(key));
        }

        String text(String key, String dflt) {
            JsonNode n = get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isValueNode()) {
                problem(at(key), "is a single value");
                return dflt;
            }
            return n.asText();
        }

        List<String> texts(String key) {
            JsonNode n = get(key);
            List<String> out = new ArrayList<>();
            if (n == null || n.isNull()) {
                return out;
            }
            if (n.isValueNode()) {
                out.add(n.asText());
            } else if (n.isArray()) {
                for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                    JsonNode e = it.next();
                    if (e.isValueNode()) {
                        out.add(e.asText());
                    } else {
                        problem(at(key), "is a list of single values");
                    }
                }
            } else {
                problem(at(key), "is a value or a list of values");
            }
            return out;
        }

        boolean bool(String key, boolean dflt) {
            JsonNode n = get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isBoolean()) {
                problem(at(key), "is true or false");
                return dflt;
            }
            return n.booleanValue();
        }

        long integer(String key, long dflt, long min, long max) {
            JsonNode n = get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.canConvertToExactIntegral() || n.asLong() < min || n.asLong() > max || !n.isNumber()) {
                problem(at(key), "is a whole number from " + min + " to " + max);
                return dflt;
            }
            return n.asLong();
        }

        double number(String key, double dflt, double min, double max) {
            JsonNode n = get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
                problem(at(key), "is a number from " + min + " to " + max);
                return dflt;
            }
            return n.asDouble();
        }

        /** A duration in seconds: 30, 30s, 5m, 1h, 1d or 1w. */
        long seconds(String key, long dflt, long min, long max) {
            long ms = millis(key, dflt * 1000, min * 1000, max * 1000);
            if (ms % 1000 != 0) {
                problem(at(key), "is whole seconds");
            }
            return ms / 1000;
        }

        /** A duration in milliseconds: 500ms, 2s, 1m; a bare number means seconds. */
        long millis(String key, long dflt, long min, long max) {
            JsonNode n = get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            Matcher m = DURATION.matcher(n.asText().strip());
            if (!n.isValueNode() || !m.matches()) {
                problem(at(key), "is a duration such as 30s, 5m, 1h or 1d");
                return dflt;
            }
            long v = Long.parseLong(m.group(1));
            long ms = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> v;
                case "s" -> v * 1000;
                case "m" -> v * 60_000;
                case "h" -> v * 3_600_000;
                case "d" -> v * 86_400_000;
                default -> v * 604_800_000;
            };
            if (ms < min || ms > max) {
                problem(at(key), "is from " + describe(min) + " to " + describe(max));
                return dflt;
            }
            return ms;
        }

        private static String describe(long ms) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }

        void done() {
            if (!ok()) {
                return;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!used.contains(k)) {
                    problem(at(k), "unknown key");
                }
            }
        }
    }
}
