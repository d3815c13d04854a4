package dev.shortr.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where an address is, from a MaxMind DB (.mmdb) file: MaxMind GeoLite2/GeoIP2 Country or City, DB-IP lite,
 * or sapics/ip-location-db (the free default that {@code scripts/geo.sh} fetches). The file is memory-mapped
 * and decoded records are cached ({@link CHMCache}), so a lookup does no I/O of its own. Thread-safe.
 *
 * <p>MaxMind's GeoIP2 {@code DatabaseReader} refuses ip-location-db files (their database type, e.g.
 * "country ipv4", is none it knows, and their records are flat), so this reads the format with MaxMind's
 * lower-level {@link Reader} and understands both record layouts ({@link GeoRecords}).
 */
public final class GeoLookup implements AutoCloseable {
    /** Where an address is; null fields are unknown. {@code country} is ISO 3166-1 alpha-2 ("NL"). */
    public record Geo(String country, String region, String city) {
        public static final Geo UNKNOWN = new Geo(null, null, null);
    }

    private static final GeoLookup NONE = new GeoLookup(null, "none");

    private final Reader reader;
    private final String description;
    private final LongAdder failures = new LongAdder();

    private GeoLookup(Reader reader, String description) {
        this.reader = reader;
        this.description = description;
    }

    /**
     * Opens {@code mmdb}; an {@link IllegalArgumentException} naming the file when it is missing, unreadable
     * or not a MaxMind DB.
     */
    public static GeoLookup open(Path mmdb) {
        if (!Files.isRegularFile(mmdb) || !Files.isReadable(mmdb)) {
            throw new IllegalArgumentException("geo database " + mmdb.toAbsolutePath() + " does not exist or is not a readable file");
        }
        try {
            Reader reader = new Reader(mmdb.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
            var meta = reader.getMetadata();
            return new GeoLookup(reader, "%s (%s, built %s)".formatted(mmdb.toAbsolutePath(), meta.databaseType(), meta.buildTime()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("geo database " + mmdb.toAbsolutePath() + " is not a MaxMind DB (.mmdb) file: " + e.getMessage(), e);
        }
    }

    /** A lookup that knows nothing: every address is {@link Geo#UNKNOWN}. */
    public static GeoLookup none() {
        return NONE;
    }

    /** Where {@code ip} is; {@link Geo#UNKNOWN} for null, private or unlisted addresses, and after {@link #close}. Never throws. */
    public Geo locate(InetAddress ip) {
        // free databases have been seen to place private ranges (192.168.0.0/16 in "AU"): never ask them
        if (reader == null || ip == null || Ips.isLocal(ip)) {
            return Geo.UNKNOWN;
        }
        try {
            GeoRecords.Entry found = reader.get(ip, GeoRecords.Entry.class);
            return found == null ? Geo.UNKNOWN : geoOf(found);
        } catch (IOException | RuntimeException e) {
            // a damaged or closed file, or an IPv6 address asked of an IPv4-only one: unknown, and counted
            failures.increment();
            return Geo.UNKNOWN;
        }
    }

    /** How many lookups failed inside the reader (not: found nothing) since opening. */
    public long failures() {
        return failures.sum();
    }

    static Geo geoOf(GeoRecords.Entry r) {
        String country = countryCode(r.country() != null ? r.country().isoCode() : r.countryCode());
        String region = region(r.subdivisions(), r.state1());
        Geo geo = new Geo(country, blankToNull(region), blankToNull(city(r.city())));
        return geo.equals(Geo.UNKNOWN) ? Geo.UNKNOWN : geo;
    }

    /** GeoIP2's {@code city.names}, or ip-location-db's plain string. */
    private static String city(Object city) {
        if (city instanceof Map<?, ?> record) {
            return record.get("names") instanceof Map<?, ?> names ? GeoRecords.name(names) : null;
        }
        return city instanceof String s ? s : null;
    }

    private static String region(List<GeoRecords.Place> subdivisions, String state1) {
        if (subdivisions == null || subdivisions.isEmpty()) {
            return state1;
        }
        GeoRecords.Place first = subdivisions.getFirst();
        return first.isoCode() != null ? first.isoCode() : first.name();
    }

    /** Two ASCII letters, upper-cased, or null: databases use "ZZ" or "" or nothing for unknown. */
    private static String countryCode(String code) {
        if (code == null || code.length() != 2 || !isAsciiLetter(code.charAt(0)) || !isAsciiLetter(code.charAt(1))) {
            return null;
        }
        String upper = code.toUpperCase(Locale.ROOT);
        return upper.equals("ZZ") ? null : upper;
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public void close() {
        if (reader == null) {
            return;
        }
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing geo database " + description, e);
        }
    }

    @Override
    public String toString() {
        return "GeoLookup[" + description + "]";
    }
}
