package dev.shortr.analytics;

import dev.shortr.config.AnalyticsConfig;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.enrich.Ips;
import dev.shortr.enrich.Referrers;
import dev.shortr.enrich.Uniques;
import dev.shortr.enrich.UserAgents;
import dev.shortr.enrich.VisitorHash;
import dev.shortr.visit.Click;
import dev.shortr.visit.TallyMap;
import dev.shortr.visit.VisitRecorder;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.HashMap;
import java.util.Map;

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

    /** Kinds of hourly counter, kept in the two low bits of the link part of a {@link TallyMap} key. */
    static final int CLICKS = 0;
    static final int BOTS = 1;
    static final int HEADS = 2;
    /** Counters and visitor hashes are written when this many wait, even before the interval is up. */
    private static final int MAX_PENDING = 1 << 21;
    /** Dimension entries (32 bytes a slot) written when this many wait. */
    private static final int MAX_PENDING_DIMS = 1 << 20;
    /**
     * New visitors waiting: lower, because each becomes a sketch object and a row write, and a drain of many
     * would make a burst of objects that outlive a young collection.
     */
    private static final int MAX_PENDING_VISITORS = 1 << 16;
    /**
     * Pairs remembered as stored today, so a returning visitor costs no row write; all forgotten beyond this
     * (forgetting costs only INSERT OR IGNOREs of rows already there). 16 MB, allocated once: with a million
     * links clicked through the day a quarter of that thrashed, and every click became a row write again.
     */
    private static final int MAX_REMEMBERED = 1 << 20;
    /** Link-days whose one-by-one visitors are counted; forgotten beyond this (a link-day may then keep up to twice 256 rows). */
    private static final int MAX_COUNTED_LINK_DAYS = 1 << 16;

    private final long intervalMs;
    private TallyMap hours = new TallyMap(1 << 18);
    /** The map of the last written batch, cleared and handed back by the flush thread for reuse. */
    private final java.util.concurrent.atomic.AtomicReference<TallyMap> spareHours = new java.util.concurrent.atomic.AtomicReference<>();
    /** Profiles of a dimension tally (the two high bits of its profile part); ids take 30 bits each. */
    static final long AGENT = 0; // agent id << 30 | referrer host id: referrer, browser, OS, device, bot kind
    static final long GEO = 1L << 62; // location id: country, region, city
    static final long BOT_ONLY = 2L << 62; // agent id, for a visit not tracked: its bot kind only
    private static final long FAMILY = 3L << 62;
    private static final long ID = (1L << 30) - 1;
    /** Distinct agents, hosts or places after which the tables start afresh with the next batch. */
    private static final int MAX_IDS = 1 << 16;
    /** Dimension counts of this batch by (link-day, profile). */
    private DimTally dims = new DimTally(1 << 16);
    private final java.util.concurrent.atomic.AtomicReference<DimTally> spareDims = new java.util.concurrent.atomic.AtomicReference<>();
    private Interner<UserAgents.Agent> agentIds = new Interner<>();
    private Interner<String> refIds = new Interner<>();
    private Interner<GeoLookup.Geo> geoIds = new Interner<>();
    /** Referrer strings seen this batch and the id of their host. */
    private Map<String, Integer> referrers = new HashMap<>();
    /** (link-day, visitor) pairs not yet written; link 0 is the whole instance. */
    private final PairSet visitors = new PairSet(1 << 12);
    /** (link-day, visitor) pairs already in the store, today. */
    private final Fingerprints remembered = new Fingerprints(MAX_REMEMBERED);
    /** Visitors written one by one today, per link-day; past {@link #ONE_BY_ONE} a link-day gets a sketch. */
    private final TallyMap perLinkDay = new TallyMap(MAX_COUNTED_LINK_DAYS);
    private static final int ONE_BY_ONE = 256;
    /** Sketches of today's busy link-days and of the instance, written (merged) with the counters. */
    private final Map<Long, Uniques> big = new HashMap<>();
    /** Today's visitors of the whole instance (always a sketch). */
    private Uniques instance = new Uniques();
    private final VisitorHash.Scratch hasher = new VisitorHash.Scratch();
    private long rememberedDay = Long.MIN_VALUE;
    private long instanceDay = Long.MIN_VALUE;
    private final VisitChunk.Builder visits = new VisitChunk.Builder();
    /**
     * Visits per chunk at most (about half a megabyte encoded). A flush of 65,536 visits as one 3.7 MB array,
     * alive while the writer was busy, was too big for a survivor space and went to the old generation.
     */
    static final int CHUNK_VISITS = 8192;
    /** Chunks finished since the last drain. */
    private java.util.List<VisitChunk> chunks = new java.util.ArrayList<>();
    private long events;
    private long countedEvents;
    private long countersDueMs;
    private long saltDay = Long.MIN_VALUE;
    private byte[] salt;
    private static final long SALT_LEAD_MS = 10 * 60_000L;
    private long nextSaltDay = Long.MIN_VALUE;
    /** When the last click happened: the clock of salt prefetching (the clicks' clock, so replays can test it). */
    private long lastEventMs;
    private CompletableFuture<byte[]> nextSalt;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Analytics.class);

    /**
     * @param intervalMs how often hourly counters, dimension counters and unique-visitor sketches are written
     *                   (raw visits go with every flush): the longer, the fewer rows a busy instance rewrites
     */
    public Analytics(AnalyticsStore store, AnalyticsConfig config, UserAgents agents, GeoLookup geo, long intervalMs) {
        this.store = store;
        this.intervalMs = intervalMs;
        this.countersDueMs = System.currentTimeMillis() + intervalMs;
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
        lastEventMs = c.epochMs();
        long hour = Math.floorDiv(c.epochMs(), MS_PER_HOUR);
        long day = Math.floorDiv(c.epochMs(), MS_PER_DAY);
        countedEvents++;
        if (c.head()) {
            hours.add(hourKey(c.linkId(), HEADS, hour), 1);
            keepVisit(c.linkId(), c.epochMs(), true, false, null, null, null, null, null, null, null, null, null, null);
            return;
        }
        UserAgents.Agent agent = agents.parse(c.userAgent());
        boolean bot = agent.bot();
        hours.add(hourKey(c.linkId(), CLICKS, hour), 1);
        if (bot) {
            hours.add(hourKey(c.linkId(), BOTS, hour), 1);
        }
        boolean tracked = config.tracking() && !c.untracked() && !(config.honourDoNotTrack() && c.asksPrivacy());
        long linkDay = TallyMap.key(c.linkId(), day);
        if (!tracked) {
            if (bot) {
                dims.add(linkDay, BOT_ONLY | agentIds.id(agent), true);
            }
            keepVisit(c.linkId(), c.epochMs(), false, false, null, null, null, null, null, null, null, null, null, agent.botKind());
            return;
        }
        InetAddress ip = Ips.clientIp(c.ip(), c.forwardedFor(), config.trustForwardedFor());
        GeoLookup.Geo where = ip == null ? GeoLookup.Geo.UNKNOWN : geo.locate(ip);
        int refId = referrerId(c.referer());
        String refHost = (String) refIds.valueOf(refId);
        if (refId != 0 || !agent.equals(UserAgents.Agent.UNKNOWN)) { // nothing known: no counter to expand
            dims.add(linkDay, AGENT | (long) agentIds.id(agent) << 30 | refId, bot);
        }
        if (where != GeoLookup.Geo.UNKNOWN && where.country() != null) {
            dims.add(linkDay, GEO | geoIds.id(where), bot);
        }
        if (!bot && ip != null) {
            long visitor = hasher.hash(saltOf(day), ip, c.userAgent());
            visitor(linkDay, visitor, day);
            instance.add(visitor);
        }
        keepVisit(c.linkId(), c.epochMs(), false, true, ip == null ? null : storedIp(ip), where.country(), where.region(),
                where.city(), refHost, config.fullReferrer() ? Referrers.full(c.referer(), MAX_REFERRER) : null,
                known(agent.browser()), known(agent.os()), agent.device(), agent.botKind());
    }

    /** Sum of what {@link #prefetch} loaded, kept so the compiler cannot drop the loads. */
    private long touched;
    /** Per prefetched click: its hour-counter key, and its link-day and visitor hash (0 when not known yet). */
    private long[] hourKeys = new long[0];
    private long[] linkDays = new long[0];
    private long[] hashes = new long[0];

    /**
     * Works out every key first, then loads the slots in loops that do nothing else, so that many of the
     * loads are in flight at once; one click at a time, the hashing between them left room for two or three.
     */
    @Override
    public void prefetch(Click[] clicks, int n) {
        if (hourKeys.length < n) {
            hourKeys = new long[n];
            linkDays = new long[n];
            hashes = new long[n];
        }
        for (int i = 0; i < n; i++) {
            Click c = clicks[i];
            long hour = Math.floorDiv(c.epochMs(), MS_PER_HOUR);
            long day = Math.floorDiv(c.epochMs(), MS_PER_DAY);
            hourKeys[i] = hourKey(c.linkId(), c.head() ? HEADS : CLICKS, hour); // throws for a link out of range
            hashes[i] = 0;
            // the visitor's slot, when its hash is at hand: today's salt known, the peer's address the client's
            if (!c.head() && day == saltDay && day == rememberedDay && c.ip() != null
                    && (c.forwardedFor() == null || !config.trustForwardedFor())) {
                linkDays[i] = TallyMap.key(c.linkId(), day);
                hashes[i] = hasher.hash(salt, c.ip(), c.userAgent());
            }
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += hours.touch(hourKeys[i]);
        }
        for (int i = 0; i < n; i++) {
            if (hashes[i] != 0) {
                sum += remembered.touch(linkDays[i], hashes[i]);
            }
        }
        touched += sum;
    }

    static long hourKey(long linkId, int kind, long hour) {
        return TallyMap.key(linkId * 4 + kind, hour);
    }

    /** Remembers a visitor of a link-day unless it is already stored: most clicks of a day are return visits. */
    private void visitor(long linkDay, long hash, long day) {
        if (day != rememberedDay) {
            remembered.clear();
            perLinkDay.clear();
            if (instance.estimate() > 0) { // yesterday's instance-wide visitors go out with the next drain
                big.merge(TallyMap.key(AnalyticsStore.INSTANCE, instanceDay), instance, (a, b) -> {
                    a.merge(b);
                    return a;
                });
                instance = new Uniques();
            }
            rememberedDay = day;
            instanceDay = day;
        }
        if (remembered.contains(linkDay, hash)) {
            return;
        }
        if (perLinkDay.get(linkDay) >= ONE_BY_ONE) {
            // a busy link-day: a sketch, merged into the stored one with the counters
            big.computeIfAbsent(linkDay, k -> new Uniques()).add(hash);
        } else if (visitors.add(linkDay, hash)) {
            if (perLinkDay.size() >= MAX_COUNTED_LINK_DAYS) {
                perLinkDay.clear(); // bounded memory on a day with very many busy links
            }
            perLinkDay.add(linkDay, 1);
        }
    }

    private InetAddress lastIp;
    private String lastStoredIp;

    /** The address as stored; consecutive clicks from one address (a burst, a proxy) share the string. */
    private String storedIp(InetAddress ip) {
        if (!ip.equals(lastIp)) {
            lastIp = ip;
            lastStoredIp = Ips.store(ip, ipMode);
        }
        return lastStoredIp;
    }

    private static String known(String s) {
        return s == null || s.isBlank() || s.equals("Other") ? null : s;
    }

    /** The id of the referrer's host (0 for none); the host of a referrer string is worked out once per batch. */
    private int referrerId(String referer) {
        if (referer == null) {
            return 0;
        }
        Integer id = referrers.get(referer);
        if (id == null) {
            id = refIds.id(Referrers.host(referer));
            referrers.put(referer, id);
        }
        return id;
    }

    /**
     * The dimension counters of a batch, expanded from its profile tally with the id tables as they were when
     * it was drained: link-day by link-day in key order, each value once per link-day (profiles sharing a
     * browser or a country are summed first), in (dimension, value) order. That is one row write per counter,
     * in primary-key order.
     */
    private record Expansion(DimTally tally, Object[] agents, Object[] hosts, Object[] places) implements AnalyticsStore.DimCounts {
        @Override
        public void forEach(AnalyticsStore.DimSink sink) {
            tally.sortInPlace(); // the batch owns the tally until it is written
            String[] regions = new String[places.length];
            Values day = new Values();
            long[] previous = {-1};
            tally.forEach((linkDay, profile, clicks, bots) -> {
                if (linkDay != previous[0] && previous[0] >= 0) {
                    day.emit(TallyMap.linkOf(previous[0]), TallyMap.dayOf(previous[0]), sink);
                }
                previous[0] = linkDay;
                long family = profile & FAMILY;
                if (family == GEO) {
                    int id = (int) (profile & ID);
                    GeoLookup.Geo g = (GeoLookup.Geo) places[id];
                    if (regions[id] == null && g.region() != null && g.country() != null) {
                        regions[id] = g.country() + "-" + g.region();
                    }
                    day.add(Dim.COUNTRY, g.country(), clicks, bots);
                    day.add(Dim.REGION, regions[id], clicks, bots);
                    day.add(Dim.CITY, g.city(), clicks, bots);
                } else if (family == BOT_ONLY) {
                    day.add(Dim.BOT, ((UserAgents.Agent) agents[(int) (profile & ID)]).botKind(), clicks, bots);
                } else {
                    UserAgents.Agent a = (UserAgents.Agent) agents[(int) (profile >>> 30 & ID)];
                    day.add(Dim.REFERRER, (String) hosts[(int) (profile & ID)], clicks, bots);
                    day.add(Dim.BROWSER, known(a.browser()), clicks, bots);
                    day.add(Dim.OS, known(a.os()), clicks, bots);
                    day.add(Dim.DEVICE, "other".equals(a.device()) ? null : a.device(), clicks, bots);
                    day.add(Dim.BOT, a.botKind(), clicks, bots);
                }
            });
            if (previous[0] >= 0) {
                day.emit(TallyMap.linkOf(previous[0]), TallyMap.dayOf(previous[0]), sink);
            }
        }
    }

    /** One link-day's counters while it is expanded: a few dozen values, so arrays and a linear search. */
    private static final class Values {
        private Dim[] dims = new Dim[32];
        private String[] values = new String[32];
        private long[] clicks = new long[32];
        private long[] bots = new long[32];
        private int size;

        void add(Dim dim, String value, long c, long b) {
            if (value == null) {
                return; // unknowns are not kept: top lists show what is known
            }
            for (int i = 0; i < size; i++) {
                if (dims[i] == dim && values[i].equals(value)) {
                    clicks[i] += c;
                    bots[i] += b;
                    return;
                }
            }
            if (size == dims.length) {
                dims = java.util.Arrays.copyOf(dims, size * 2);
                values = java.util.Arrays.copyOf(values, size * 2);
                clicks = java.util.Arrays.copyOf(clicks, size * 2);
                bots = java.util.Arrays.copyOf(bots, size * 2);
            }
            dims[size] = dim;
            values[size] = value;
            clicks[size] = c;
            bots[size] = b;
            size++;
        }

        /** Hands the counters over in (dimension code, value) order, the store's key order, and starts afresh. */
        void emit(long link, long day, AnalyticsStore.DimSink sink) {
            for (int i = 1; i < size; i++) { // insertion sort: a few dozen entries
                for (int j = i; j > 0 && before(j, j - 1); j--) {
                    swap(j, j - 1);
                }
            }
            for (int i = 0; i < size; i++) {
                sink.accept(link, day, dims[i], values[i], clicks[i], bots[i]);
                values[i] = null;
            }
            size = 0;
        }

        private boolean before(int a, int b) {
            int c = Integer.compare(dims[a].code, dims[b].code);
            return c < 0 || c == 0 && values[a].compareTo(values[b]) < 0;
        }

        private void swap(int a, int b) {
            Dim d = dims[a];
            dims[a] = dims[b];
            dims[b] = d;
            String v = values[a];
            values[a] = values[b];
            values[b] = v;
            long t = clicks[a];
            clicks[a] = clicks[b];
            clicks[b] = t;
            t = bots[a];
            bots[a] = bots[b];
            bots[b] = t;
        }
    }

    private void keepVisit(long linkId, long atMs, boolean head, boolean tracked, String ip, String country, String region,
                           String city, String referrerHost, String referrer, String browser, String os, String device, String bot) {
        if (config.visitRetentionDays() > 0) {
            visits.add(linkId, atMs, head, tracked, ip, country, region, city, referrerHost, referrer, browser, os, device, bot);
            if (visits.size() >= CHUNK_VISITS) {
                chunks.add(visits.finish());
                visits.reset();
            }
        }
    }

    /**
     * Today's salt. A new day takes a fresh one from the store, and the store then forgets the older ones, so
     * yesterday's visitors can't be re-hashed. The next day's salt is fetched in the background in the last
     * minutes of a day ({@link #prefetchSalt}), so midnight costs the aggregator no wait for the store's writer
     * (which may be busy writing a batch of counters for seconds); only the first click after a start waits.
     */
    private byte[] saltOf(long day) {
        if (day != saltDay) {
            byte[] next = nextSaltDay == day && nextSalt != null ? nextSalt.getNow(null) : null;
            salt = next != null ? next : store.salt(day, VisitorHash::newSalt);
            Thread.ofVirtual().name("salt-forget").start(() -> forgetSalts(day));
            saltDay = day;
            nextSalt = null;
        }
        return salt;
    }

    private void forgetSalts(long day) {
        try {
            store.forgetSalts(day);
        } catch (RuntimeException e) {
            log.warn("could not delete the visitor salts of days before {} (retried at the next day): {}", day, e.toString());
        }
    }

    /** In the last {@link #SALT_LEAD_MS} of a UTC day (by the clicks' time), starts fetching the next day's salt, once. */
    private void prefetchSalt(long nowMs) {
        long day = Math.floorDiv(nowMs, MS_PER_DAY);
        if (saltDay != day || nextSalt != null || nowMs < (day + 1) * MS_PER_DAY - SALT_LEAD_MS) {
            return;
        }
        nextSaltDay = day + 1;
        nextSalt = CompletableFuture.supplyAsync(() -> store.salt(day + 1, VisitorHash::newSalt),
                r -> Thread.ofVirtual().name("salt-prefetch").start(r));
    }

    @Override
    public VisitRecorder.Batch drain(boolean everything) {
        long now = System.currentTimeMillis();
        prefetchSalt(lastEventMs);
        boolean counters = countedEvents > 0 && (everything || now >= countersDueMs || hours.size() >= MAX_PENDING
                || dims.size() >= MAX_PENDING_DIMS || referrers.size() >= MAX_IDS);
        boolean visitorsDue = counters || (visitors.size() > 0 && (everything || visitors.size() >= MAX_PENDING_VISITORS));
        if (events == 0 && !counters && !visitorsDue) {
            return null;
        }
        if (visits.size() > 0) {
            chunks.add(visits.finish());
            visits.reset();
        }
        java.util.List<VisitChunk> chunk = chunks;
        chunks = new java.util.ArrayList<>();
        long n = events;
        events = 0;
        AnalyticsStore.Batch batch;
        if (counters) {
            batch = new AnalyticsStore.Batch(hours, new Expansion(dims, agentIds.snapshot(), refIds.snapshot(),
                    geoIds.snapshot()), pendingVisitors(), sketches(), chunk);
            TallyMap spare = spareHours.getAndSet(null);
            hours = spare != null ? spare : new TallyMap(1 << 18); // reusing keeps big tables out of the garbage
            DimTally spareTally = spareDims.getAndSet(null);
            dims = spareTally != null ? spareTally : new DimTally(1 << 16);
            if (agentIds.size() >= MAX_IDS || refIds.size() >= MAX_IDS || geoIds.size() >= MAX_IDS) {
                agentIds = new Interner<>(); // the batch keeps its own copy of the tables
                refIds = new Interner<>();
                geoIds = new Interner<>();
            }
            referrers.clear();
            countedEvents = 0;
            countersDueMs = now + intervalMs;
        } else {
            // new visitors alone: their sketches, without rewriting every hourly counter
            batch = new AnalyticsStore.Batch(null, AnalyticsStore.DimCounts.NONE, visitorsDue ? pendingVisitors() : AnalyticsStore.Visitors.NONE, Map.of(),
                    chunk);
        }
        return new VisitRecorder.Batch() {
            @Override
            public void write() {
                store.write(batch, Analytics::mergeSketches);
                if (batch.hours() != null) {
                    batch.hours().clear();
                    spareHours.set(batch.hours());
                }
                if (batch.dims() instanceof Expansion e) {
                    e.tally().clear();
                    spareDims.set(e.tally());
                }
            }

            @Override
            public long events() {
                return n;
            }
        };
    }

    @Override
    public boolean due(long nowMs) {
        return countedEvents > 0 && nowMs >= countersDueMs;
    }

    /** The new one-by-one visitors as two arrays; they count as stored from now (a failed write is retried whole). */
    private AnalyticsStore.Visitors pendingVisitors() {
        long[] rows = new long[visitors.size() * 2];
        int[] n = {0};
        visitors.forEach((k, h) -> {
            rows[n[0]++] = k;
            rows[n[0]++] = h;
        });
        Rows.sort(rows, 2); // in the store's key order
        long[] keys = new long[visitors.size()];
        long[] hashes = new long[visitors.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = rows[2 * i];
            hashes[i] = rows[2 * i + 1];
        }
        visitors.forEach((k, h) -> {
            if (!remembered.add(k, h)) {
                remembered.clear(); // full: start over
                remembered.add(k, h);
            }
        });
        visitors.clear();
        return new AnalyticsStore.Visitors(keys, hashes);
    }

    /** Busy link-days' sketches, handed over and started afresh (the store merges them into what it has). */
    private Map<AnalyticsStore.DayKey, byte[]> sketches() {
        Map<AnalyticsStore.DayKey, byte[]> out = new HashMap<>(big.size() * 2 + 2);
        if (instance.estimate() > 0) {
            out.put(new AnalyticsStore.DayKey(AnalyticsStore.INSTANCE, instanceDay), instance.toBytes());
            instance = new Uniques();
        }
        big.forEach((k, u) -> {
            if (u.estimate() > 0) {
                out.put(new AnalyticsStore.DayKey(TallyMap.linkOf(k), TallyMap.dayOf(k)), u.toBytes());
            }
        });
        big.clear(); // a busy link-day starts a fresh sketch at its next visitor
        return out;
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
