package dev.shortr.dns.zone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where a client is, and the ECS scope of that answer: the prefix of the table entry that decided it, widened
 * until no block of another region falls inside; never /0 while the table has blocks of another region (a
 * resolver caches a /0 answer for everyone); nested blocks, IPv6, and a client whose source prefix is shorter
 * than the blocks it might be in. The scope is also checked against the table itself: every address in the
 * client's block at that scope is in the same region.
 */
class GeoMapTest {
    private static final Map<String, GeoMap.Region> REGIONS = new LinkedHashMap<>();

    static {
        REGIONS.put("eu", new GeoMap.Region("eu", 50.1, 8.7));
        REGIONS.put("us", new GeoMap.Region("us", 39.0, -77.5));
        REGIONS.put("ap", new GeoMap.Region("ap", -33.9, 151.2));
    }

    /** Three regions side by side. */
    private static final Map<String, String> FLAT = Map.of("10.1.0.0/16", "eu", "10.2.0.0/16", "us", "10.3.0.0/16", "ap");
    /** A region inside a region inside a region. */
    private static final Map<String, String> NESTED = Map.of("10.0.0.0/8", "us", "10.1.0.0/16", "eu", "10.1.2.0/24", "us");
    private static final Map<String, String> SIX = Map.of("2001:db8:1::/48", "eu", "2001:db8:2::/48", "us");

    private static GeoMap map(Map<String, String> networks, String fallback, Map<String, String> countries) {
        List<GeoMap.Network> list = networks.entrySet().stream().map(e -> {
            Cidr c = Cidr.parse(e.getKey());
            return new GeoMap.Network(c.prefix(), c.length(), REGIONS.get(e.getValue()));
        }).toList();
        Map<String, GeoMap.Region> byCountry = new LinkedHashMap<>();
        countries.forEach((country, region) -> byCountry.put(country, REGIONS.get(region)));
        return new GeoMap(REGIONS, list, byCountry, fallback == null ? null : REGIONS.get(fallback));
    }

    private static Map<String, String> table(String name) {
        return switch (name) {
            case "flat" -> FLAT;
            case "nested" -> NESTED;
            case "six" -> SIX;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static String name(GeoMap.Region r) {
        return r == null ? "none" : r.name();
    }

    @ParameterizedTest(name = "{0} table, default {1}: {2}/{3} -> {4} /{5}")
    @CsvSource({
            // a match: the scope is the block that matched
            "flat,   ,   10.1.5.0,        24, eu,   16",
            "flat,   ,   10.1.5.7,        32, eu,   16",
            // no match: as wide as keeps every other region's block out, never 0
            "flat,   ,   192.0.2.0,       24, none, 1",
            "flat,   us, 192.0.2.0,       24, us,   1",
            "flat,   ,   10.0.0.0,        24, none, 16",
            "flat,   ,   10.4.0.0,        24, none, 14",
            // a source prefix shorter than the blocks: the client may be in any of them, so no match, at its own prefix
            "flat,   ,   10.1.0.0,        8,  none, 8",
            "flat,   us, 10.2.0.0,        8,  us,   8",
            // nested: the longest match wins, and the scope keeps the blocks nested in it out
            "nested, ,   10.1.5.0,        24, eu,   22",
            "nested, ,   10.1.2.0,        24, us,   24",
            "nested, ,   10.2.0.0,        24, us,   15",
            "nested, ,   10.200.0.0,      24, us,   9",
            "nested, ,   11.0.0.0,        24, none, 8",
            // IPv6
            "six,    ,   2001:db8:1:5::,  56, eu,   48",
            "six,    ,   2001:db8:3::,    56, none, 48",
            "six,    ,   2001:db8::,      32, none, 32",
            "six,    ,   2001:db9::,      56, none, 32",
            // an IPv4 client and a table of IPv6 blocks: no address of its family answers otherwise, so /0 is right
            "six,    ,   10.1.0.0,        24, none, 0",
    })
    void placesTheClientAndSaysForWhichBlockThatHolds(String table, String fallback, String client, int source, String region, int scope) {
        GeoMap.Placement p = map(table(table), fallback, Map.of()).place(address(client), source, null);
        assertThat(name(p.region())).isEqualTo(region);
        assertThat(p.scope()).isEqualTo(scope);
    }

    @Test
    void aCountryDatabaseDecidesOnlyWhereNoBlockMatchesAndThenForTheSourcePrefix() {
        GeoMap geo = map(FLAT, "us", Map.of("DE", "eu"));
        Function<InetAddress, String> germany = ip -> "DE";
        assertThat(geo.place(address("192.0.2.0"), 24, germany)).isEqualTo(new GeoMap.Placement(REGIONS.get("eu"), 24));
        // the blocks of the table still win
        assertThat(geo.place(address("10.3.0.0"), 24, germany)).isEqualTo(new GeoMap.Placement(REGIONS.get("ap"), 16));
        // unknown to the database: the default region, for the client's own block (the database may know its neighbours)
        assertThat(geo.place(address("192.0.2.0"), 24, ip -> null)).isEqualTo(new GeoMap.Placement(REGIONS.get("us"), 24));
    }

    /**
     * The scope against the table itself, for clients known to /24 in tables of blocks no longer than /24:
     * every address of the client's block at the answer's scope is placed in the same region as the client,
     * and the scope is never 0 while the table has a block of another region.
     */
    @ParameterizedTest
    @CsvSource({"flat, ", "flat, us", "nested, ", "nested, eu"})
    void everyAddressInTheScopeBlockIsInTheSameRegion(String table, String fallback) {
        GeoMap geo = map(table(table), fallback, Map.of());
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            // clients near the table (10.x) and far from it
            int first = random.nextInt(4) == 0 ? random.nextInt(224) : 10;
            byte[] client = {(byte) first, (byte) random.nextInt(8), (byte) random.nextInt(256), 0};
            GeoMap.Placement p = geo.place(address(client), 24, null);
            assertThat(p.scope()).as("scope for %s", address(client)).isBetween(1, 24);
            for (int j = 0; j < 50; j++) {
                byte[] other = inBlock(client, p.scope(), random);
                assertThat(name(geo.place(address(other), 32, null).region()))
                        .as("%s is in %s/%d with %s", address(other), address(client).getHostAddress(), p.scope(), address(client))
                        .isEqualTo(name(p.region()));
            }
        }
    }

    /** A random address that shares the first {@code bits} bits of {@code base}. */
    private static byte[] inBlock(byte[] base, int bits, Random random) {
        byte[] out = new byte[4];
        random.nextBytes(out);
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i & 7);
            out[i >>> 3] = (byte) (out[i >>> 3] & ~mask | base[i >>> 3] & mask);
        }
        return out;
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
