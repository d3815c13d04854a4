package dev.shortr.config;

/**
 * What the aggregator records about each click, beyond counting it.
 *
 * @param tracking          false counts clicks (and bots apart) but records nothing about visitors
 * @param ipStorage         {@code none}, {@code anonymised} (a /24 or /48 network, the default) or {@code full}
 * @param honourDoNotTrack  a visit sending {@code DNT: 1} or {@code Sec-GPC: 1} is counted but not tracked
 * @param fullReferrer      keep the whole referrer in the visit log, not only its host
 * @param visitRetentionDays raw visits older than this are purged; 0 keeps no raw visits
 * @param trustForwardedFor take the client address from {@code X-Forwarded-For} (only behind a proxy you run)
 * @param geoDatabase       a MaxMind-format {@code .mmdb} file, {@code auto} (the free country database that
 *                          {@code scripts/geo.sh} fetches, when present) or {@code none}
 * @param countersInterval  how often hourly and per-dimension counters and unique-visitor sketches are written
 *                          (totals and raw visits go with every flush); stats lag by up to this much
 * @param enabled           false counts clicks (per link and day) and records nothing else: no hourly series,
 *                          dimensions, uniques or raw visits; the cheapest setting for a redirect tier
 */
public record AnalyticsConfig(boolean tracking, String ipStorage, boolean honourDoNotTrack, boolean fullReferrer,
                              int visitRetentionDays, boolean trustForwardedFor, String geoDatabase,
                              java.time.Duration countersInterval, boolean enabled) {
    public AnalyticsConfig {
        Setting.CLICKS_IP_STORAGE.require(ipStorage);
        Setting.CLICKS_VISIT_RETENTION_DAYS.require(visitRetentionDays);
        Setting.CLICKS_GEO_DATABASE.require(geoDatabase);
        Setting.CLICKS_COUNTERS_INTERVAL.require(countersInterval);
    }

    /** With analytics on. */
    public AnalyticsConfig(boolean tracking, String ipStorage, boolean honourDoNotTrack, boolean fullReferrer,
                           int visitRetentionDays, boolean trustForwardedFor, String geoDatabase,
                           java.time.Duration countersInterval) {
        this(tracking, ipStorage, honourDoNotTrack, fullReferrer, visitRetentionDays, trustForwardedFor, geoDatabase,
                countersInterval, true);
    }

    public static AnalyticsConfig defaults() {
        return new AnalyticsConfig(true, "anonymised", false, false, 90, false, "auto", java.time.Duration.ofSeconds(120), true);
    }

    /** Where {@code clicks.geoDatabase: auto} looks: see {@link #autoGeoDatabase(java.util.Map)}. */
    public static java.nio.file.Path autoGeoDatabase() {
        return autoGeoDatabase(System.getenv());
    }

    /**
     * Where scripts/geo.sh puts the default database: {@code $SHORTR_GEO_DIR}, else {@code $HOME/.cache/shortr/geo}
     * (the variables the script reads, so a launcher run under another HOME, or with the directory moved, still
     * finds what it fetched), else under the JVM's user.home.
     */
    public static java.nio.file.Path autoGeoDatabase(java.util.Map<String, String> env) {
        String dir = env.get("SHORTR_GEO_DIR");
        if (dir == null || dir.isBlank()) {
            String home = env.get("HOME");
            dir = java.nio.file.Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".cache",
                    "shortr", "geo").toString();
        }
        return java.nio.file.Path.of(dir, "geo-whois-asn-country.mmdb");
    }
}
