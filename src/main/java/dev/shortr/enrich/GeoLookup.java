package dev.shortr.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Country, and region and city where the database has them, of an IP address, read from a MaxMind-format
 * {@code .mmdb} file: GeoLite2 or GeoIP2 Country/City, DB-IP, or the free ip-location-db country database
 * ({@code scripts/geo.sh}). Lookups never throw: an address the database does not know is {@link Geo#UNKNOWN}.
 */
public final class GeoLookup implements AutoCloseable {
    /** Where an address is; any part may be null. {@code country} is an ISO 3166-1 alpha-2 code. */
    public record Geo(String country, String region, String city) {
        public static final Geo UNKNOWN = new Geo(null, null, null);
    }

    private final Reader reader;

    private GeoLookup(Reader reader) {
        this.reader = reader;
    }

    public static GeoLookup open(Path mmdb) {
        if (!Files.isRegularFile(mmdb)) {
            throw new IllegalArgumentException("GeoIP database " + mmdb + " does not exist");
        }
        try {
            return new GeoLookup(new Reader(mmdb.toFile(), new CHMCache()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("GeoIP database " + mmdb + " is not a MaxMind DB file: " + e.getMessage());
        }
    }

    public static GeoLookup none() {
        return new GeoLookup(null);
    }

    public Geo locate(InetAddress ip) {
        if (reader == null || ip == null) {
            return Geo.UNKNOWN;
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> rec = reader.get(ip, Map.class);
            return rec == null ? Geo.UNKNOWN : geoOf(rec);
        } catch (IOException | RuntimeException e) {
            return Geo.UNKNOWN;
        }
    }

    /** GeoIP2/GeoLite2/DB-IP layout ({@code country.iso_code}, {@code subdivisions}, {@code city.names.en}) or ip-location-db's ({@code country_code}). */
    private static Geo geoOf(Map<String, Object> rec) {
        String country = null;
        if (rec.get("country") instanceof Map<?, ?> c && c.get("iso_code") instanceof String iso) {
            country = iso;
        } else if (rec.get("country_code") instanceof String cc) {
            country = cc;
        } else if (rec.get("registered_country") instanceof Map<?, ?> rc && rc.get("iso_code") instanceof String iso) {
            country = iso;
        }
        String region = null;
        if (rec.get("subdivisions") instanceof java.util.List<?> subs && !subs.isEmpty() && subs.get(0) instanceof Map<?, ?> s
                && s.get("iso_code") instanceof String code) {
            region = code;
        } else if (rec.get("state1") instanceof String st) {
            region = st;
        }
        String city = null;
        if (rec.get("city") instanceof Map<?, ?> c && c.get("names") instanceof Map<?, ?> names && names.get("en") instanceof String en) {
            city = en;
        } else if (rec.get("city") instanceof String name) {
            city = name;
        }
        return new Geo(country, region, city);
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }
}
