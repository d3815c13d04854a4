package dev.shortr.enrich;

import static dev.shortr.enrich.GeoLookupTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shortr.enrich.GeoLookup.Geo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The free default database, for real: the one scripts/geo.sh keeps in ~/.cache/shortr/geo when it is there,
 * else a fresh download into target/geo. Skipped, saying why, when neither works (offline).
 */
class GeoLookupRealDatabaseTest {
    private static final Path CACHED = Path.of(System.getProperty("user.home"), ".cache/shortr/geo/geo-whois-asn-country.mmdb");
    private static final String WHY = "no geo database in " + CACHED + ", and scripts/geo.sh could not fetch one (offline?)";
    private static GeoLookup geo;

    @BeforeAll
    static void openTheRealDatabase() throws IOException, InterruptedException {
        Path mmdb = Files.isRegularFile(CACHED) ? CACHED : download();
        if (mmdb == null) {
            System.err.println("SKIPPED: " + WHY);
            return;
        }
        geo = GeoLookup.open(mmdb);
    }

    /** Each test skips on its own, so the suite's totals count them as skipped. */
    @BeforeEach
    void needsTheDatabase() {
        assumeTrue(geo != null, WHY);
    }

    @AfterAll
    static void close() {
        if (geo != null) {
            geo.close();
        }
    }

    /** Runs scripts/geo.sh into target/geo; the path it prints, or null when it fails. */
    private static Path download() throws IOException, InterruptedException {
        ProcessBuilder run = new ProcessBuilder("bash", "scripts/geo.sh").redirectError(ProcessBuilder.Redirect.INHERIT);
        run.environment().put("SHORTR_GEO_DIR", Path.of("target/geo").toAbsolutePath().toString());
        Process p = run.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
            p.destroyForcibly();
            return null;
        }
        return Path.of(out);
    }

    @Test
    void placesWellKnownAddressesWhereTheirRegistriesSay() {
        assertThat(geo.locate(ip("193.0.0.0")).country()).as("RIPE NCC, Amsterdam").isEqualTo("NL");
        assertThat(geo.locate(ip("202.12.27.33")).country()).as("M-root, WIDE, Tokyo").isEqualTo("JP");
        assertThat(geo.locate(ip("8.8.8.8")).country()).as("Google DNS").isEqualTo("US");
        assertThat(geo.locate(ip("2001:4860:4860::8888")).country()).as("Google DNS over IPv6").isEqualTo("US");
        // APNIC's research prefix, announced by Cloudflare: registries have said either
        assertThat(geo.locate(ip("1.1.1.1")).country()).isIn("AU", "US");
    }

    @Test
    void aCountryDatabaseHasNoRegionOrCity() {
        assertThat(geo.locate(ip("193.0.0.0"))).isEqualTo(new Geo("NL", null, null));
    }

    @Test
    void privateAndReservedAddressesAreUnknown() {
        for (String address : new String[] {"10.1.2.3", "192.168.0.1", "127.0.0.1", "::1", "fd00::1", "0.0.0.0"}) {
            assertThat(geo.locate(ip(address))).as(address).isSameAs(Geo.UNKNOWN);
        }
        assertThat(geo.failures()).isZero();
    }
}
