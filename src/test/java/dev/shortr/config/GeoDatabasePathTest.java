package dev.shortr.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code clicks.geoDatabase: auto} looks where scripts/geo.sh puts the file, by the same variables. */
class GeoDatabasePathTest {
    @Test
    void followsTheScriptsDirectoryThenHomeThenTheJvmsUserHome() {
        assertThat(AnalyticsConfig.autoGeoDatabase(Map.of("SHORTR_GEO_DIR", "/srv/geo", "HOME", "/home/a")))
                .isEqualTo(Path.of("/srv/geo/geo-whois-asn-country.mmdb"));
        assertThat(AnalyticsConfig.autoGeoDatabase(Map.of("HOME", "/home/a")))
                .isEqualTo(Path.of("/home/a/.cache/shortr/geo/geo-whois-asn-country.mmdb"));
        assertThat(AnalyticsConfig.autoGeoDatabase(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache/shortr/geo/geo-whois-asn-country.mmdb"));
    }
}
