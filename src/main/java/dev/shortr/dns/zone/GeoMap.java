package dev.shortr.dns.zone;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a client is: its address (from EDNS Client Subnet, else the resolver's) mapped to a region through a
 * CIDR table, else through a country lookup (the analytics {@code .mmdb}), else a default region. Also the
 * ECS scope the answer may be cached for: wide enough to share the cache, narrow enough that no address with a
 * different outcome falls inside it.
 */
public final class GeoMap {
    /** A region and where it is. */
    public record Region(String name, double lat, double lon) {}

    /** The region a client falls in (null when unknown), and the ECS scope prefix of that decision. */
    public record Placement(Region region, int scope) {}

    /** A CIDR block of the table. */
    public record Network(byte[] prefix, int length, Region region) {
        public Network {
            prefix = prefix.clone();
            if (length < 0 || length > prefix.length * 8) {
                throw new IllegalArgumentException("prefix length " + length + " is out of range");
            }
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(prefix).getHostAddress() + "/" + length + " -> " + region.name();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Map<String, Region> regions;
    private final List<Network> networks;
    private final Map<String, Region> countries;
    private final Region fallback;

    public GeoMap(Map<String, Region> regions, List<Network> networks, Map<String, Region> countries, Region fallback) {
        this.regions = Map.copyOf(regions);
        // longest prefix first, so the first network that holds an address is its best match
        this.networks = networks.stream().sorted(Comparator.comparingInt(Network::length).reversed()).toList();
        this.countries = Map.copyOf(countries);
        this.fallback = fallback;
    }

    public static GeoMap empty() {
        return new GeoMap(Map.of(), List.of(), Map.of(), null);
    }

    public Map<String, Region> regions() {
        return regions;
    }

    public boolean usesCountries() {
        return !countries.isEmpty();
    }

    /**
     * Places {@code address}, of which only the first {@code sourcePrefix} bits are meaningful.
     *
     * @param countryOf the ISO country code of an address, or null; consulted only when no network matches
     */
    public Placement place(InetAddress address, int sourcePrefix, Function<InetAddress, String> countryOf) {
        byte[] a = address.getAddress();
        int bits = a.length * 8;
        int source = Math.min(sourcePrefix, bits);
        Network match = null;
        for (Network n : networks) {
            if (n.prefix.length == a.length && n.length <= source && common(a, n.prefix, n.length) >= n.length) {
                match = n;
                break;
            }
        }
        Region region;
        int scope;
        if (match != null) {
            region = match.region;
            scope = match.length;
        } else {
            String country = countries.isEmpty() || countryOf == null ? null : countryOf.apply(address);
            region = country == null ? null : countries.get(country);
            if (region != null) {
                // a country database's blocks are not known here: the answer holds for the client's own block only
                return new Placement(region, source);
            }
            region = fallback;
            scope = 0;
        }
        // every block of the table that would give another region must fall outside the client's /scope block
        for (Network n : networks) {
            if (n.prefix.length == a.length && n.region != region) {
                int known = Math.min(n.length, source);
                int c = common(a, n.prefix, known);
                if (c < known) {
                    scope = Math.max(scope, c + 1);
                } else if (n.length > source) {
                    scope = Math.max(scope, source); // a longer block than the source can tell: as narrow as we know
                } // else n holds the client's block and is less specific than the match, which wins inside it

            }
        }
        if (countries.isEmpty() || match != null) {
            return new Placement(region, Math.min(scope, source));
        }
        return new Placement(region, source); // unknown to the country database, which may know its neighbours
    }

    /** Number of leading bits {@code a} and {@code b} share, up to {@code limit}. */
    private static int common(byte[] a, byte[] b, int limit) {
        int i = 0;
        while (i < limit) {
            int byteIndex = i >>> 3;
            if (i % 8 == 0 && limit - i >= 8 && a[byteIndex] == b[byteIndex]) {
                i += 8;
                continue;
            }
            int bit = 7 - (i & 7);
            if (((a[byteIndex] >>> bit) & 1) != ((b[byteIndex] >>> bit) & 1)) {
                return i;
            }
            i++;
        }
        return limit;
    }

    /** Great-circle distance in kilometres (haversine). */
    public static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    @Override
    public String toString() {
        return "GeoMap" + Arrays.asList(regions.keySet(), networks, countries.keySet());
    }
}
