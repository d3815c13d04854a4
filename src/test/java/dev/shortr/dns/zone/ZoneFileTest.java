package dev.shortr.dns.zone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

/**
 * Every check of a zone file, one case each: the file is refused with exactly the problems listed, each named
 * by its path in the file, so {@code shortr dns check} can say what to fix. And a file with many problems
 * gets all of them at once.
 */
class ZoneFileTest {
    /** A valid zone, section by section, that each case changes a little. */
    private static final Map<String, String> VALID = sections(
            "origin", "sho.rt",
            "nameservers", "[ns1.sho.rt.]",
            "records", "[\"ns1 A 192.0.2.53\"]",
            "geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, networks: {10.1.0.0/16: eu}}",
            "pools", "{web: {sites: [{name: fra, ipv4: 198.51.100.1, region: eu}, {name: iad, ipv4: 198.51.100.2, region: us}]}}",
            "names", "{\"@\": {pool: web, policy: geo}}");
    private static final String SITES = "{name: fra, ipv4: 198.51.100.1, region: eu}, {name: iad, ipv4: 198.51.100.2, region: us}";
    private static final String CNAME_RULE = "a CNAME stands alone (RFC 1034 §3.6.2)";

    private static Map<String, String> sections(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** The valid zone with some sections replaced (or added); a null value leaves the section out. */
    static String zone(String... changes) {
        Map<String, String> s = new LinkedHashMap<>(VALID);
        for (int i = 0; i < changes.length; i += 2) {
            s.put(changes[i], changes[i + 1]);
        }
        StringBuilder yaml = new StringBuilder();
        s.forEach((k, v) -> {
            if (v != null) {
                yaml.append(k).append(": ").append(v).append('\n');
            }
        });
        return yaml.toString();
    }

    private static String records(String... lines) {
        StringBuilder b = new StringBuilder("[\"ns1 A 192.0.2.53\"");
        for (String l : lines) {
            b.append(", '").append(l).append("'");
        }
        return b.append(']').toString();
    }

    private static String pool(String check, String sites) {
        return "{web: {" + (check == null ? "" : "check: " + check + ", ") + "sites: [" + sites + "]}}";
    }

    static List<String> problems(String yaml) {
        ZoneFile.Invalid e = catchThrowableOfType(ZoneFile.Invalid.class, () -> ZoneFile.parse(yaml, "zone.yaml"));
        assertThat(e).as("refused:\n%s", yaml).isNotNull();
        return e.problems();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // records
                Arguments.of("CNAME at the apex", zone("records", records("@ CNAME other.example.")), List.of(
                        "records: sho.rt. CNAME: a CNAME cannot be at the apex (RFC 1034 §3.6.2); use A/AAAA and HTTPS, or a pool under 'names'",
                        "records: sho.rt. has a CNAME and other data; " + CNAME_RULE)),
                Arguments.of("CNAME with other data", zone("records", records("www CNAME sho.rt.", "www TXT \"hello\"")), List.of(
                        "records: www.sho.rt. has a CNAME and other data; " + CNAME_RULE)),
                Arguments.of("CNAME at a steered name", zone("records", records("www CNAME sho.rt."),
                        "names", "{\"@\": {pool: web, policy: geo}, www: {pool: web}}"), List.of(
                        "records: www.sho.rt. has a CNAME and other data; " + CNAME_RULE)),
                Arguments.of("SOA in records", zone("records", records("@ SOA ns1.sho.rt. hostmaster.sho.rt. 1 3600 600 86400 60")), List.of(
                        "records: sho.rt. SOA: the SOA comes from 'soa', not from records")),
                Arguments.of("NS below the apex", zone("records", records("sub NS ns.example.net.")), List.of(
                        "records: sub.sho.rt. NS: delegating a subdomain is not supported; name servers of the apex go in 'nameservers'")),
                Arguments.of("A at a steered name", zone("records", records("@ A 192.0.2.1")), List.of(
                        "records: sho.rt. A: the name is steered under 'names', so its pool answers A")),
                Arguments.of("HTTPS at a name steered with https", zone("records", records("@ HTTPS 1 . alpn=h2")), List.of(
                        "records: sho.rt. HTTPS: the name is steered with https: true, so its pool answers HTTPS")),
                Arguments.of("a record with a bad address", zone("records", records("www A 10.0.0.300")), List.of(
                        "records[1]: 'www A 10.0.0.300': Invalid address: 10.0.0.300")),
                Arguments.of("a record outside the zone", zone("records", records("www.example.com. A 192.0.2.1")), List.of(
                        "records[1]: www.example.com. is outside the zone sho.rt.")),
                Arguments.of("two records on one line", zone("records", "[\"ns1 A 192.0.2.53\\nns2 A 192.0.2.54\"]"), List.of(
                        "records[0]: is one record on one line, such as 'www 300 A 192.0.2.1'")),
                Arguments.of("a record listed twice", zone("records", records("mail A 192.0.2.25", "mail A 192.0.2.25")), List.of(
                        "records: mail.sho.rt.\t\t3600\tIN\tA\t192.0.2.25 is listed twice")),

                // unknown keys, at every level
                Arguments.of("unknown key at the top", zone("colour", "blue"), List.of("colour: unknown key")),
                Arguments.of("unknown key in soa", zone("soa", "{contact: hostmaster@sho.rt, serail: 1}"), List.of("soa.serail: unknown key")),
                Arguments.of("unknown key in geo", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, defualt: eu}"),
                        List.of("geo.defualt: unknown key")),
                Arguments.of("unknown key in a region", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7, alt: 3}, us: {lat: 39.0, lon: -77.5}}}"),
                        List.of("geo.regions.eu.alt: unknown key")),
                Arguments.of("unknown key in a pool", zone("pools", "{web: {chek: {}, sites: [" + SITES + "]}}"), List.of("pools.web.chek: unknown key")),
                Arguments.of("unknown key in a check", zone("pools", pool("{intervall: 2s}", SITES)), List.of("pools.web.check.intervall: unknown key")),
                Arguments.of("unknown key in a site", zone("pools", pool(null, "{name: fra, ipv4: 198.51.100.1, region: eu, wieght: 3}")),
                        List.of("pools.web.sites[0].wieght: unknown key")),
                Arguments.of("unknown key in a name", zone("names", "{\"@\": {pool: web, policy: geo, tll: 30}}"), List.of("names.@.tll: unknown key")),
                Arguments.of("unknown key in transfer", zone("transfer", "{allow: [192.0.2.60/32], alow: []}"), List.of("transfer.alow: unknown key")),
                Arguments.of("unknown key in tsig", zone("transfer", "{tsig: {name: xfr., secret: c2hvcnRyLXRlc3Qta2V5LTAxMjM0NTY=, key: x}}"),
                        List.of("transfer.tsig.key: unknown key")),
                Arguments.of("unknown key in rateLimit", zone("rateLimit", "{responsesPerSecond: 5, slips: 2}"), List.of("rateLimit.slips: unknown key")),

                // addresses and blocks
                Arguments.of("an IPv4 address out of range", zone("pools", pool(null, "{name: fra, ipv4: [198.51.100.1, 10.0.0.300]}")), List.of(
                        "pools.web.sites[0].ipv4: '10.0.0.300' is not an IP address")),
                Arguments.of("IPv6 under ipv4", zone("pools", pool(null, "{name: fra, ipv4: [198.51.100.1, \"2001:db8::1\"]}")), List.of(
                        "pools.web.sites[0].ipv4: 2001:db8::1 is not an IPv4 address")),
                Arguments.of("IPv4 under ipv6", zone("pools", pool(null, "{name: fra, ipv4: 198.51.100.1, ipv6: 198.51.100.9}")), List.of(
                        "pools.web.sites[0].ipv6: 198.51.100.9 is not an IPv6 address")),
                Arguments.of("a host name, never resolved", zone("pools", pool(null, "{name: fra, ipv4: [198.51.100.1, localhost]}")), List.of(
                        "pools.web.sites[0].ipv4: 'localhost' is not an IP address")),
                Arguments.of("a site without addresses", zone("pools", pool(null, "{name: fra, region: eu}, {name: iad, ipv4: 198.51.100.2}")), List.of(
                        "pools.web.sites[0]: needs at least one address under ipv4 or ipv6")),
                Arguments.of("a prefix past 32", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, networks: {10.1.0.0/33: eu}}"), List.of(
                        "geo.networks.10.1.0.0/33: '10.1.0.0/33' has a prefix length beyond 32")),
                Arguments.of("a prefix past 128", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, networks: {\"2001:db8::/129\": eu}}"), List.of(
                        "geo.networks.2001:db8::/129: '2001:db8::/129' has a prefix length beyond 128")),
                Arguments.of("not a block", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, networks: {europe: eu}}"), List.of(
                        "geo.networks.europe: 'europe' is not an address block such as 10.1.0.0/16")),
                Arguments.of("a prefix that is not a number", zone("transfer", "{allow: [192.0.2.0/abc]}"), List.of(
                        "transfer.allow: '192.0.2.0/abc' has no valid prefix length")),
                Arguments.of("bits past the prefix", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, networks: {10.1.0.1/16: eu}}"), List.of(
                        "geo.networks.10.1.0.1/16: '10.1.0.1/16' has bits set past its prefix length")),
                Arguments.of("IPv6 bits past the prefix", zone("transfer", "{allow: [\"2001:db8::1/32\"]}"), List.of(
                        "transfer.allow: '2001:db8::1/32' has bits set past its prefix length")),

                // names of things that are not there
                Arguments.of("a network's unknown region", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, networks: {10.1.0.0/16: mars}}"),
                        List.of("geo.networks.10.1.0.0/16: region 'mars' is not under geo.regions")),
                Arguments.of("a site's unknown region", zone("pools", pool(null, "{name: fra, ipv4: 198.51.100.1, region: mars}")), List.of(
                        "pools.web.sites[0].region: region 'mars' is not under geo.regions")),
                Arguments.of("a country's unknown region", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, countries: {DE: mars}}"), List.of(
                        "geo.countries.DE: region 'mars' is not under geo.regions")),
                Arguments.of("a country that is not a code", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, countries: {germany: eu}}"), List.of(
                        "geo.countries.germany: is not an ISO 3166 country code such as DE")),
                Arguments.of("an unknown default region", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}}, default: mars}"), List.of(
                        "geo.default: region 'mars' is not under geo.regions")),
                Arguments.of("a region without coordinates", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}, ap: {lat: -33.9}}}"), List.of(
                        "geo.regions.ap: needs lat and lon")),
                Arguments.of("an unknown pool", zone("names", "{\"@\": {pool: api, policy: geo}}"), List.of(
                        "names.@.pool: pool 'api' is not under pools")),
                Arguments.of("a name without a pool", zone("names", "{\"@\": {policy: geo}}"), List.of("names.@.pool: is required")),
                Arguments.of("an unknown policy", zone("names", "{\"@\": {pool: web, policy: random}}"), List.of(
                        "names.@.policy: 'random' is not one of weighted, geo, nearest, failover")),
                Arguments.of("an unknown whenAllDown", zone("names", "{\"@\": {pool: web, whenAllDown: some}}"), List.of(
                        "names.@.whenAllDown: is all (answer every site anyway) or none (SERVFAIL), not 'some'")),
                Arguments.of("nearest without coordinates", zone("geo", null, "pools", pool(null, "{name: fra, ipv4: 198.51.100.1}, {name: iad, ipv4: 198.51.100.2, lat: 39.0, lon: -77.5}"),
                        "names", "{\"@\": {pool: web, policy: nearest}}"), List.of(
                        "names.@.policy: nearest needs coordinates: site web/fra has no lat/lon and no region with them")),
                Arguments.of("geo without regions", zone("geo", null), List.of(
                        "names.@.policy: geo needs regions under geo.regions, with networks or countries")),
                Arguments.of("a name that is not one", zone("names", "{\"bad name!\": {pool: web}}"), List.of(
                        "names.bad name!: 'bad name!' is not a name in the zone (relative, such as www, or @ for the apex)")),
                Arguments.of("a name outside the zone", zone("names", "{\"www.example.com.\": {pool: web}}"), List.of(
                        "names.www.example.com.: www.example.com. is outside the zone sho.rt.")),

                // durations and ranges
                Arguments.of("an interval too short", zone("pools", pool("{interval: 50ms, timeout: 20ms}", SITES)), List.of(
                        "pools.web.check.interval: is from 100ms to 3600s")),
                Arguments.of("an interval that is no duration", zone("pools", pool("{interval: soon}", SITES)), List.of(
                        "pools.web.check.interval: is a duration such as 30s, 5m, 1h or 1d")),
                Arguments.of("a timeout longer than the interval", zone("pools", pool("{interval: 2s, timeout: 3s}", SITES)), List.of(
                        "pools.web.check: timeout (3000 ms) is longer than interval (2000 ms)")),
                Arguments.of("a check scheme", zone("pools", pool("{scheme: ftp}", SITES)), List.of(
                        "pools.web.check: scheme is http or https, not ftp")),
                Arguments.of("a check path", zone("pools", pool("{path: healthz}", SITES)), List.of(
                        "pools.web.check: path starts with /, not healthz")),
                Arguments.of("a check port", zone("pools", pool("{port: 70000}", SITES)), List.of(
                        "pools.web.check.port: is a whole number from 1 to 65535")),
                Arguments.of("rise 0", zone("pools", pool("{rise: 0}", SITES)), List.of("pools.web.check.rise: is a whole number from 1 to 100")),
                Arguments.of("a checkUrl that is not http", zone("pools", pool(null, "{name: fra, ipv4: 198.51.100.1, checkUrl: \"ftp://fra.internal/\"}")),
                        List.of("pools.web.sites[0].checkUrl: is an http(s) URL with a host")),
                Arguments.of("a TTL over a week", zone("ttl", "8d"), List.of("ttl: is from 0s to 604800s")),
                Arguments.of("a TTL in milliseconds", zone("ttl", "1500ms"), List.of("ttl: is whole seconds")),
                Arguments.of("a negative TTL", zone("ttl", "-1"), List.of("ttl: is a duration such as 30s, 5m, 1h or 1d")),
                Arguments.of("a negative weight", zone("pools", pool(null, "{name: fra, ipv4: 198.51.100.1, weight: -1}")), List.of(
                        "pools.web.sites[0].weight: is a whole number from 0 to 1000000")),
                Arguments.of("17 answers", zone("names", "{\"@\": {pool: web, policy: geo, answers: 17}}"), List.of(
                        "names.@.answers: is a whole number from 1 to 16")),
                Arguments.of("https that is not a boolean", zone("names", "{\"@\": {pool: web, policy: geo, https: 1}}"), List.of(
                        "names.@.https: is true or false")),
                Arguments.of("a latitude past the pole", zone("geo", "{regions: {eu: {lat: 50.1, lon: 8.7}, us: {lat: 39.0, lon: -77.5}, ap: {lat: -91, lon: 151.2}}}"), List.of(
                        "geo.regions.ap.lat: is a number from -90.0 to 90.0", "geo.regions.ap: needs lat and lon")),
                Arguments.of("a serial past 32 bits", zone("soa", "{serial: 4294967296}"), List.of("soa.serial: is a whole number from 0 to 4294967295")),
                Arguments.of("a negative TTL over a day", zone("soa", "{negativeTtl: 2d}"), List.of("soa.negativeTtl: is from 0s to 86400s")),
                Arguments.of("slip 11", zone("rateLimit", "{slip: 11}"), List.of("rateLimit.slip: is a whole number from 0 to 10")),

                // transfer keys
                Arguments.of("a TSIG algorithm", zone("transfer", "{tsig: {name: xfr., algorithm: hmac-md5, secret: c2hvcnRyLXRlc3Qta2V5LTAxMjM0NTY=}}"),
                        List.of("transfer.tsig.algorithm: 'hmac-md5' is not hmac-sha256, hmac-sha384 or hmac-sha512")),
                Arguments.of("a TSIG secret that is not base64", zone("transfer", "{tsig: {name: xfr., secret: \"not base64!\"}}"), List.of(
                        "transfer.tsig.secret: is not base64")),
                Arguments.of("a short TSIG secret", zone("transfer", "{tsig: {name: xfr., secret: c2hvcnQ=}}"), List.of(
                        "transfer.tsig.secret: is a base64 secret of at least 16 bytes")),
                Arguments.of("a TSIG key without a name", zone("transfer", "{tsig: {secret: c2hvcnRyLXRlc3Qta2V5LTAxMjM0NTY=}}"), List.of(
                        "transfer.tsig.name: is a domain name")),

                // the shape of the file
                Arguments.of("a site listed twice", zone("pools", pool(null, "{name: fra, ipv4: 198.51.100.1}, {name: fra, ipv4: 198.51.100.2}")),
                        List.of("pools.web.sites[1]: site 'fra' is listed twice")),
                Arguments.of("a pool without sites", zone("pools", "{web: {sites: []}}", "names", null), List.of(
                        "pools.web.sites: is required: a list of at least one site")),
                Arguments.of("no origin", zone("origin", null), List.of("origin: is required (the short domain, such as sho.rt)")),
                Arguments.of("no name servers", zone("nameservers", null), List.of(
                        "nameservers: is required: a list of at least one name server host")),
                Arguments.of("records that are not a list", zone("records", "\"ns1 A 192.0.2.53\""), List.of(
                        "records: is a list of records in master-file form, such as 'www 300 A 192.0.2.1'")),
                Arguments.of("an empty file", "", List.of("zone.yaml: empty; a zone needs at least 'origin' and 'nameservers'")),
                Arguments.of("a file of comments", "# nothing yet\n", List.of("zone.yaml: empty; a zone needs at least 'origin' and 'nameservers'")),
                Arguments.of("a list, not a mapping", "- origin\n- sho.rt\n", List.of("zone.yaml: is a mapping of keys to values")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aZoneWithAProblemIsRefusedWithExactlyThatProblem(String what, String yaml, List<String> expected) {
        assertThat(problems(yaml)).as(what).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theValidZoneLoads() throws ZoneFile.Invalid {
        Zone z = ZoneFile.parse(zone(), "zone.yaml");
        assertThat(z.sites()).hasSize(2);
        assertThat(z.steered()).containsKey(Name.fromConstantString("sho.rt."));
    }

    @Test
    void notYamlSaysWhere() {
        assertThat(problems("origin: sho.rt\nnameservers: [ns1.sho.rt.\nrecords: []\n")).singleElement().asString()
                .isEqualTo("zone.yaml: not valid YAML at line 3: while parsing a flow sequence; expected ',' or ']', but got :");
    }

    @ParameterizedTest
    @CsvSource({
            "hostmaster@sho.rt,     hostmaster.sho.rt.",
            "john.doe@example.com,  john\\.doe.example.com.",
            "hostmaster.sho.rt.,    hostmaster.sho.rt.",
            "dns,                   dns.sho.rt."})
    void theContactIsAMailboxName(String contact, String mailbox) throws ZoneFile.Invalid {
        Zone z = ZoneFile.parse(zone("soa", "{contact: \"" + contact + "\"}"), "zone.yaml");
        assertThat(z.soa().getAdmin().toString()).isEqualTo(mailbox);
    }

    @Test
    void withoutAContactTheMailboxIsHostmaster() throws ZoneFile.Invalid {
        assertThat(ZoneFile.parse(zone(), "zone.yaml").soa().getAdmin().toString()).isEqualTo("hostmaster.sho.rt.");
    }

    @Test
    void aFileWithManyProblemsGetsThemAllAtOnce() {
        String yaml = zone(
                "ttl", "8d",
                "records", records("@ CNAME other.example.", "www A 10.0.0.300"),
                "geo", "{regions: {eu: {lat: 50.1, lon: 8.7}}, networks: {10.1.0.1/16: eu, 10.2.0.0/16: mars}}",
                "pools", pool("{interval: 2s, timeout: 3s}", "{name: fra, ipv4: 198.51.100.1, region: eu, wieght: 3}, {name: fra, ipv4: \"2001:db8::1\"}"),
                "names", "{\"@\": {pool: web, policy: geo}, api: {pool: api, policy: random}}",
                "transfer", "{tsig: {name: xfr., algorithm: hmac-md5, secret: c2hvcnQ=}}",
                "rateLimit", "{slip: 11}",
                "colour", "blue");
        assertThat(problems(yaml)).containsExactlyInAnyOrder(
                "ttl: is from 0s to 604800s",
                "records[2]: 'www A 10.0.0.300': Invalid address: 10.0.0.300",
                "records: sho.rt. CNAME: a CNAME cannot be at the apex (RFC 1034 §3.6.2); use A/AAAA and HTTPS, or a pool under 'names'",
                "records: sho.rt. has a CNAME and other data; " + CNAME_RULE,
                "geo.networks.10.1.0.1/16: '10.1.0.1/16' has bits set past its prefix length",
                "geo.networks.10.2.0.0/16: region 'mars' is not under geo.regions",
                "pools.web.check: timeout (3000 ms) is longer than interval (2000 ms)",
                "pools.web.sites[0].wieght: unknown key",
                "pools.web.sites[1].ipv4: 2001:db8::1 is not an IPv4 address",
                "pools.web.sites[1]: needs at least one address under ipv4 or ipv6",
                "names.api.pool: pool 'api' is not under pools",
                "names.api.policy: 'random' is not one of weighted, geo, nearest, failover",
                "transfer.tsig.algorithm: 'hmac-md5' is not hmac-sha256, hmac-sha384 or hmac-sha512",
                "transfer.tsig.secret: is a base64 secret of at least 16 bytes",
                "rateLimit.slip: is a whole number from 0 to 10",
                "colour: unknown key");
    }
}
