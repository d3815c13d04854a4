package dev.shortr.analytics;

import dev.shortr.config.AnalyticsConfig;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.enrich.Ips;
import dev.shortr.enrich.Referrers;
import dev.shortr.enrich.Uniques;
import dev.shortr.enrich.UserAgents;
import dev.shortr.enrich.VisitorHash;
import dev.shortr.visit.Click;
import dev.shortr.visit.VisitRecorder;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Enriches each click on the aggregator thread and accumulates what one flush writes: per link and hour
 * the clicks, bots and HEADs; per link, day and dimension value the clicks and bots; per link and day (and
 * for the whole instance) a sketch of unique visitors; and the raw visits. Nothing here runs on the event
 * loop. A visit that asks not to be tracked (when {@code honourDoNotTrack} is on), and every visit when
 * tracking is off, is counted and classified (bot or not) but leaves no location, agent, referrer, unique
 * or address behind.
 */
public final class Analytics implements VisitRecorder {
    private static final long MS_PER_HOUR = 3_600_000L;
    private static final long MS_PER_DAY = 86_400_000L;
    private static final int MAX_REFERRER = 2048;

    private final AnalyticsStore store;
    private final AnalyticsConfig config;
    private final UserAgents agents;
    private final GeoLookup geo;
    private final Ips.IpMode ipMode;

    private Map<AnalyticsStore.HourKey, long[]> hours = new HashMap<>();
    private Map<AnalyticsStore.DimKey, long[]> dims = new HashMap<>();
    private Map<AnalyticsStore.DayKey, Uniques> uniques = new HashMap<>();
    private VisitChunk.Builder visits = new VisitChunk.Builder();
    private long events;
    private long saltDay = Long.MIN_VALUE;
    private byte[] salt;

    public Analytics(AnalyticsStore store, AnalyticsConfig config, UserAgents agents, GeoLookup geo) {
        this.store = store;
        this.config = config;
        this.agents = agents;
        this.geo = geo;
        this.ipMode = switch (config.ipStorage()) {
            case "none" -> Ips.IpMode.NONE;
            case "full" -> Ips.IpMode.FULL;
            default -> Ips.IpMode.ANONYMISED;
        };
    }

    @Override
    public void record(Click c) {
        events++;
        long hour = Math.floorDiv(c.epochMs(), MS_PER_HOUR);
        long day = Math.floorDiv(c.epochMs(), MS_PER_DAY);
        long[] h = hours.computeIfAbsent(new AnalyticsStore.HourKey(c.linkId(), hour), k -> new long[3]);
        if (c.head()) {
            h[2]++;
            keepVisit(new Visit(c.linkId(), c.epochMs(), null, null, null, null, null, null, null, null, null, null, true, false));
            return;
        }
        UserAgents.Agent agent = agents.parse(c.userAgent());
        boolean bot = agent.bot();
        h[0]++;
        if (bot) {
            h[1]++;
        }
        boolean tracked = config.tracking() && !(config.honourDoNotTrack() && c.asksPrivacy());
        if (!tracked) {
            count(c.linkId(), day, Dim.BOT, agent.botKind(), bot);
            keepVisit(new Visit(c.linkId(), c.epochMs(), null, null, null, null, null, null, null, null, null, agent.botKind(),
                    false, false));
            return;
        }
        InetAddress ip = Ips.clientIp(c.ip(), c.forwardedFor(), config.trustForwardedFor());
        GeoLookup.Geo where = ip == null ? GeoLookup.Geo.UNKNOWN : geo.locate(ip);
        String refHost = Referrers.host(c.referer());
        count(c.linkId(), day, Dim.REFERRER, refHost, bot);
        count(c.linkId(), day, Dim.COUNTRY, where.country(), bot);
        count(c.linkId(), day, Dim.REGION, where.region() == null || where.country() == null ? null
                : where.country() + "-" + where.region(), bot);
        count(c.linkId(), day, Dim.CITY, where.city(), bot);
        count(c.linkId(), day, Dim.BROWSER, known(agent.browser()), bot);
        count(c.linkId(), day, Dim.OS, known(agent.os()), bot);
        count(c.linkId(), day, Dim.DEVICE, "other".equals(agent.device()) ? null : agent.device(), bot);
        count(c.linkId(), day, Dim.BOT, agent.botKind(), bot);
        if (!bot && ip != null) {
            long visitor = VisitorHash.of(saltOf(day), ip, Objects.requireNonNullElse(c.userAgent(), ""));
            uniques.computeIfAbsent(new AnalyticsStore.DayKey(c.linkId(), day), k -> new Uniques()).add(visitor);
            uniques.computeIfAbsent(new AnalyticsStore.DayKey(AnalyticsStore.INSTANCE, day), k -> new Uniques()).add(visitor);
        }
        keepVisit(new Visit(c.linkId(), c.epochMs(), ip == null ? null : Ips.store(ip, ipMode), where.country(), where.region(),
                where.city(), refHost, config.fullReferrer() ? Referrers.full(c.referer(), MAX_REFERRER) : null,
                known(agent.browser()), known(agent.os()), agent.device(), agent.botKind(), false, true));
    }

    private static String known(String s) {
        return s == null || s.isBlank() || s.equals("Other") ? null : s;
    }

    private void count(long linkId, long day, Dim dim, String value, boolean bot) {
        if (value == null) {
            return; // unknowns are not kept: top lists show what is known
        }
        long[] c = dims.computeIfAbsent(new AnalyticsStore.DimKey(linkId, day, dim, value), k -> new long[2]);
        c[0]++;
        if (bot) {
            c[1]++;
        }
    }

    private void keepVisit(Visit v) {
        if (config.visitRetentionDays() > 0) {
            visits.add(v);
        }
    }

    /** Today's salt; a new day takes a fresh one from the store (which forgets the old), so yesterday's visitors can't be re-hashed. */
    private byte[] saltOf(long day) {
        if (day != saltDay) {
            salt = store.salt(day, VisitorHash::newSalt);
            saltDay = day;
        }
        return salt;
    }

    @Override
    public VisitRecorder.Batch drain() {
        if (events == 0) {
            return null;
        }
        Map<AnalyticsStore.DayKey, byte[]> sketches = new HashMap<>(uniques.size() * 2);
        uniques.forEach((k, u) -> sketches.put(k, u.toBytes()));
        AnalyticsStore.Batch batch = new AnalyticsStore.Batch(hours, dims, sketches, visits.finish());
        long n = events;
        hours = new HashMap<>();
        dims = new HashMap<>();
        uniques = new HashMap<>();
        visits = new VisitChunk.Builder();
        events = 0;
        return new VisitRecorder.Batch() {
            @Override
            public void write() {
                store.write(batch, Analytics::mergeSketches);
            }

            @Override
            public long events() {
                return n;
            }
        };
    }

    static byte[] mergeSketches(byte[] a, byte[] b) {
        Uniques u = Uniques.fromBytes(a);
        u.merge(Uniques.fromBytes(b));
        return u.toBytes();
    }

    /** Drops raw visits older than the retention; returns how many went. */
    public long purge(long nowMs) {
        return config.visitRetentionDays() <= 0 ? store.purgeVisits(Long.MAX_VALUE)
                : store.purgeVisits(nowMs - config.visitRetentionDays() * MS_PER_DAY);
    }
}
