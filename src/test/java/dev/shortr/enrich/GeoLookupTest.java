package dev.shortr.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.shortr.enrich.GeoLookup.Geo;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GeoLookup against hand-written MaxMind DB files in both record layouts (see {@link MmdbFile}); the real
 * default database is exercised by {@link GeoLookupRealDatabaseTest}.
 */
class GeoLookupTest {
    @TempDir
    Path dir;

    @Test
    void readsCountryRegionAndCityFromAGeoIp2CityDatabase() throws IOException {
        Path mmdb = dir.resolve("city.mmdb");
        new MmdbFile("GeoLite2-City")
                .put("203.0.113.0/24", Map.of(
                        "country", Map.of("iso_code", "NZ", "names", Map.of("en", "New Zealand", "de", "Neuseeland")),
                        "subdivisions", List.of(Map.of("iso_code", "AUK", "names", Map.of("en", "Auckland"))),
                        "city", Map.of("geoname_id", 2193733, "names", Map.of("en", "Auckland", "ja", "オークランド")),
                        "location", Map.of("time_zone", "Pacific/Auckland")))
                .put("198.51.100.0/24", Map.of(
                        "country", Map.of("iso_code", "DE"),
                        "subdivisions", List.of(Map.of("names", Map.of("de", "Bayern")), Map.of("iso_code", "09162")),
                        "city", Map.of("names", Map.of("de", "München"))))
                .put("2001:db8::/32", Map.of("country", Map.of("iso_code", "JP")))
                .put("192.0.2.0/24", Map.of("continent", Map.of("code", "EU")))
                .write(mmdb);
        try (GeoLookup geo = GeoLookup.open(mmdb)) {
            assertThat(geo.locate(ip("203.0.113.99"))).isEqualTo(new Geo("NZ", "AUK", "Auckland"));
            assertThat(geo.locate(ip("198.51.100.1"))).isEqualTo(new Geo("DE", "Bayern", "München"));
            assertThat(geo.locate(ip("2001:db8:1234::1"))).isEqualTo(new Geo("JP", null, null));
            assertThat(geo.locate(ip("::ffff:203.0.113.5"))).isEqualTo(new Geo("NZ", "AUK", "Auckland"));
            assertThat(geo.locate(ip("192.0.2.1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.locate(ip("203.0.114.1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.locate(ip("10.0.0.1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.locate(null)).isSameAs(Geo.UNKNOWN);
            assertThat(geo.failures()).isZero();
            assertThat(geo.toString()).contains("city.mmdb", "GeoLite2-City");
        }
    }

    @Test
    void neverPlacesAPrivateAddressEvenWhenTheDatabaseDoes() throws IOException {
        // the free whois-derived database has put 192.168.0.0/16 in "AU"
        Path mmdb = dir.resolve("sloppy.mmdb");
        new MmdbFile("country").put("192.168.0.0/16", Map.of("country_code", "AU")).put("fd00::/8", Map.of("country_code", "AU"))
                .put("100.64.0.0/10", Map.of("country_code", "AU")).write(mmdb);
        try (GeoLookup geo = GeoLookup.open(mmdb)) {
            assertThat(geo.locate(ip("192.168.1.1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.locate(ip("fd00::1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.locate(ip("100.64.0.1"))).isSameAs(Geo.UNKNOWN);
        }
    }

    @Test
    void readsACountryOnlyDatabase() throws IOException {
        Path mmdb = dir.resolve("country.mmdb");
        new MmdbFile("GeoLite2-Country").put("203.0.113.0/24", Map.of("country", Map.of("iso_code", "NZ"))).write(mmdb);
        try (GeoLookup geo = GeoLookup.open(mmdb)) {
            assertThat(geo.locate(ip("203.0.113.1"))).isEqualTo(new Geo("NZ", null, null));
        }
    }

    @Test
    void readsTheFlatIpLocationDbLayout() throws IOException {
        Path mmdb = dir.resolve("flat.mmdb");
        new MmdbFile("dbip-city")
                .put("203.0.113.0/24", Map.of("country_code", "FR", "state1", "Île-de-France", "city", "Paris",
                        "postcode", "75001", "latitude", "48.86"))
                .put("198.51.100.0/24", Map.of("country_code", "us"))
                .put("192.0.2.0/24", Map.of("country_code", "ZZ", "city", " "))
                .put("2001:db8::/32", Map.of("country_code", "U$"))
                .write(mmdb);
        try (GeoLookup geo = GeoLookup.open(mmdb)) {
            assertThat(geo.locate(ip("203.0.113.1"))).isEqualTo(new Geo("FR", "Île-de-France", "Paris"));
            assertThat(geo.locate(ip("198.51.100.1"))).isEqualTo(new Geo("US", null, null));
            assertThat(geo.locate(ip("192.0.2.1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.locate(ip("2001:db8::1"))).isSameAs(Geo.UNKNOWN);
        }
    }

    @Test
    void aRecordOfTheWrongShapeIsUnknownAndCounted() throws IOException {
        Path mmdb = dir.resolve("odd.mmdb");
        new MmdbFile("Odd").put("203.0.113.0/24", Map.of("country", "NZ")).write(mmdb);
        try (GeoLookup geo = GeoLookup.open(mmdb)) {
            assertThat(geo.locate(ip("203.0.113.1"))).isSameAs(Geo.UNKNOWN);
            assertThat(geo.failures()).isEqualTo(1);
        }
    }

    @Test
    void refusesToOpenWhatIsNotAMaxMindDatabase() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mmdb"), "not a database\n".repeat(100));
        assertThatIllegalArgumentException().isThrownBy(() -> GeoLookup.open(text))
                .withMessageContaining(text.toAbsolutePath().toString()).withMessageContaining("not a MaxMind DB");
        Path missing = dir.resolve("missing.mmdb");
        assertThatIllegalArgumentException().isThrownBy(() -> GeoLookup.open(missing))
                .withMessageContaining(missing.toAbsolutePath().toString()).withMessageContaining("does not exist");
        assertThatIllegalArgumentException().isThrownBy(() -> GeoLookup.open(dir)).withMessageContaining(dir.toString());
        Path empty = Files.createFile(dir.resolve("empty.mmdb"));
        assertThatIllegalArgumentException().isThrownBy(() -> GeoLookup.open(empty)).withMessageContaining("empty.mmdb");
    }

    @Test
    void noneAndAClosedLookupKnowNothing() throws IOException {
        assertThat(GeoLookup.none().locate(ip("203.0.113.1"))).isSameAs(Geo.UNKNOWN);
        GeoLookup.none().close();
        Path mmdb = dir.resolve("country.mmdb");
        new MmdbFile("GeoLite2-Country").put("203.0.113.0/24", Map.of("country", Map.of("iso_code", "NZ"))).write(mmdb);
        GeoLookup geo = GeoLookup.open(mmdb);
        geo.close();
        assertThat(geo.locate(ip("203.0.113.1"))).isSameAs(Geo.UNKNOWN);
        assertThat(geo.failures()).isEqualTo(1);
    }

    @Test
    void answersTheSameFromManyThreads() throws Exception {
        Path mmdb = dir.resolve("country.mmdb");
        MmdbFile file = new MmdbFile("GeoLite2-Country");
        for (int i = 0; i < 200; i++) {
            file.put("11." + i + ".0.0/16", Map.of("country", Map.of("iso_code", i % 2 == 0 ? "NL" : "JP"),
                    "geoname_id", BigInteger.valueOf(i)));
        }
        file.write(mmdb);
        try (GeoLookup geo = GeoLookup.open(mmdb); ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<Integer>> wrong = pool.invokeAll(java.util.Collections.nCopies(8, () -> {
                int mistakes = 0;
                for (int n = 0; n < 20_000; n++) {
                    int i = n % 200;
                    String expected = i % 2 == 0 ? "NL" : "JP";
                    mistakes += expected.equals(geo.locate(ip("11." + i + ".1.1")).country()) ? 0 : 1;
                }
                return mistakes;
            }));
            for (Future<Integer> f : wrong) {
                assertThat(f.get()).isZero();
            }
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(literal, e);
        }
    }
}
