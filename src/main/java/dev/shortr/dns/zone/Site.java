package dev.shortr.dns.zone;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.URI;
import java.util.List;

/**
 * One place that serves the short domain: its addresses, where it is, its share of weighted answers and how
 * it is checked. {@code checkUrl}, when set, is what the health check fetches instead of the site's first address.
 *
 * @param key     "pool/site", unique in a zone
 * @param located whether {@code lat} and {@code lon} were given (here or by the site's region)
 */
public record Site(String key, String name, List<Inet4Address> ipv4, List<Inet6Address> ipv6, String region, double lat,
                   double lon, int weight, HealthCheck check, URI checkUrl,
                   boolean located) {
    public Site {
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
        if (ipv4.isEmpty() && ipv6.isEmpty()) {
            throw new IllegalArgumentException("a site has at least one address");
        }
        if (weight < 0 || weight > 1_000_000) {
            throw new IllegalArgumentException("weight is 0 to 1000000");
        }
        if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
            throw new IllegalArgumentException("lat is -90 to 90 and lon -180 to 180");
        }
    }

    /** Whether the site has an address of the family a query asks for (4 or 6). */
    public boolean has(int family) {
        return family == 4 ? !ipv4.isEmpty() : !ipv6.isEmpty();
    }

    /** What the health check fetches. */
    public URI target() {
        if (checkUrl != null) {
            return checkUrl;
        }
        String host = ipv4.isEmpty() ? "[" + ipv6.getFirst().getHostAddress() + "]" : ipv4.getFirst().getHostAddress();
        return URI.create(check.scheme() + "://" + host + ":" + check.port() + check.path());
    }
}
