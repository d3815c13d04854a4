package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Geo answers from the analytics' country database ({@code geo.countries} with the real {@code .mmdb} that
 * scripts/geo.sh fetches, which ./test runs first): a client subnet is answered with the site of its country's
 * region, with the client's own prefix as the ECS scope. Skipped, saying why, when the database is absent.
 */
class DnsGeoDatabaseIT {
    private static final Path DB = Path.of(System.getProperty("user.home"), ".cache/shortr/geo/geo-whois-asn-country.mmdb");
    private static final Map<String, String> SITE_OF_REGION = Map.of("eu", "198.51.100.1", "us", "198.51.100.2", "ap", "198.51.100.3");

    @TempDir
    Path dir;

    @Test
    void aClientSubnetIsAnsweredByItsCountrysRegion() throws Exception {
        assumeTrue(Files.isRegularFile(DB), "no geo database at " + DB + " (scripts/geo.sh fetches it)");
        Map<String, String> regionOf = Map.of("DE", "eu", "FR", "eu", "NL", "eu", "US", "us", "AU", "ap", "JP", "ap");
        try (LoopbackSites sites = LoopbackSites.start(); GeoLookup lookup = GeoLookup.open(DB)) {
            Path zone = sites.zone(Path.of("src/test/resources/dns/zone.yaml"), dir, root -> {
                var geo = (com.fasterxml.jackson.databind.node.ObjectNode) root.get("geo");
                geo.remove("networks");
                var countries = geo.putObject("countries");
                regionOf.forEach(countries::put);
            });
            try (DnsRole role = DnsRole.start(zone, new DnsServer.Settings("127.0.0.1", 0, 1, 16), GeoLookup.open(DB))) {
                int placed = 0;
                for (String subnet : new String[] {"8.8.8.0", "85.214.0.0", "1.1.1.0", "133.242.0.0", "193.51.224.0", "145.97.0.0"}) {
                    InetAddress a = InetAddress.getByName(subnet);
                    String country = lookup.locate(a).country();
                    Message q = RawDns.query("sho.rt.", Type.A);
                    q.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(24, a)), Section.ADDITIONAL);
                    Message m = RawDns.udp(role.port(), q, 2000);
                    ClientSubnetOption ecs = (ClientSubnetOption) m.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET).getFirst();
                    if (country != null && regionOf.containsKey(country)) {
                        assertThat(RawDns.answers(m)).as("%s in %s", subnet, country).containsExactly(SITE_OF_REGION.get(regionOf.get(country)));
                        assertThat(ecs.getScopePrefixLength()).as("scope of %s", subnet).isEqualTo(24);
                        placed++;
                    }
                }
                assertThat(placed).as("subnets the database placed in a configured country").isGreaterThanOrEqualTo(3);
            }
        }
    }
}
