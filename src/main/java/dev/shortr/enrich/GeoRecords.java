package dev.shortr.enrich;

import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import java.util.List;
import java.util.Map;

/**
 * The MMDB data records {@link GeoLookup} reads, in either of the two layouts in the wild. MaxMind's
 * GeoIP2/GeoLite2 and DB-IP's lite databases nest maps ({@code country.iso_code},
 * {@code subdivisions[0].iso_code}, {@code city.names.en}); sapics/ip-location-db flattens them into strings
 * ({@code country_code}, {@code state1}, {@code city}). The records are public only because MaxMind's decoder
 * builds them by reflection; this package-private holder keeps them out of the package's API.
 */
final class GeoRecords {
    private GeoRecords() {
    }

    /**
     * One record; absent fields decode as null. {@code city} is an {@code Object} because it is a map in the
     * first layout and a string in the second.
     */
    public record Entry(
            @MaxMindDbParameter(name = "country") Place country,
            @MaxMindDbParameter(name = "subdivisions") List<Place> subdivisions,
            @MaxMindDbParameter(name = "city") Object city,
            @MaxMindDbParameter(name = "country_code") String countryCode,
            @MaxMindDbParameter(name = "state1") String state1) {
        @MaxMindDbConstructor
        public Entry {
        }
    }

    /** A GeoIP2 country or subdivision: its ISO code and its names by locale. */
    public record Place(@MaxMindDbParameter(name = "iso_code") String isoCode, @MaxMindDbParameter(name = "names") Map<String, String> names) {
        @MaxMindDbConstructor
        public Place {
        }

        /** The English name, else any. */
        String name() {
            return GeoRecords.name(names);
        }
    }

    /** The English name in {@code names}, else any, else null. */
    static String name(Map<?, ?> names) {
        if (names == null || names.isEmpty()) {
            return null;
        }
        Object english = names.get("en");
        Object any = english != null ? english : names.values().iterator().next();
        return any instanceof String s ? s : null;
    }
}
