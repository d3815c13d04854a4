package dev.shortr.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.analytics.AnalyticsStore;
import dev.shortr.analytics.Counts;
import dev.shortr.analytics.Dim;
import dev.shortr.analytics.Stats;
import dev.shortr.auth.Scope;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.Links;
import dev.shortr.link.Page;
import dev.shortr.visit.ClickStore;
import dev.shortr.visit.DailyClicks;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Click statistics and visit exports: {@code /api/v1/links/{code}/stats}, {@code /api/v1/stats} (the whole
 * instance, or one tag), and {@code /api/v1/links/{code}/visits} and {@code /api/v1/visits} as CSV or NDJSON.
 */
final class StatsApi {
    private static final int MAX_TAG_LINKS = 10_000;

    private final Links links;
    private final ClickStore clicks;
    private final Stats stats;
    private final AnalyticsStore analytics;
    private final Guard guard;

    StatsApi(Links links, ClickStore clicks, Stats stats, AnalyticsStore analytics, Guard guard) {
        this.links = links;
        this.clicks = clicks;
        this.stats = stats;
        this.analytics = analytics;
        this.guard = guard;
    }

    void routes(Router r) {
        r.add("GET", "/api/v1/links/{code}/stats", "Click statistics of a link", guard.require(Scope.STATS_READ, this::linkStats));
        r.add("GET", "/api/v1/stats", "Click statistics of the instance or of a tag", guard.require(Scope.STATS_READ, this::instanceStats));
        r.add("GET", "/api/v1/links/{code}/visits", "Export a link's raw visits (CSV or NDJSON)",
                guard.require(Scope.STATS_READ, this::linkVisits));
        r.add("GET", "/api/v1/visits", "Export raw visits of the instance (CSV or NDJSON)", guard.require(Scope.ADMIN, this::allVisits));
    }

    /** The range, zone, granularity and top-list size a stats request asks for, validated. */
    private record Range(LocalDate from, LocalDate to, ZoneId zone, Stats.Granularity granularity, int top) {
        static Range of(Request req) {
            ZoneId zone = StatsApi.zone(req.param("tz"));
            LocalDate today = LocalDate.now(zone);
            LocalDate to = day(req, "to", today);
            LocalDate from = day(req, "from", to.minusDays(29));
            if (from.isAfter(to)) {
                throw Json.invalid("from", "from must not be after to");
            }
            long days = ChronoUnit.DAYS.between(from, to);
            if (days > 366) {
                throw Json.invalid("from", "at most 367 days per request");
            }
            Stats.Granularity g = StatsApi.granularity(req.param("granularity"));
            if (g == Stats.Granularity.HOUR && days > 31) {
                throw Json.invalid("granularity", "hourly series cover at most 32 days");
            }
            return new Range(from, to, zone, g, StatsApi.top(req.param("top")));
        }
    }

    private Reply linkStats(Request req, Caller caller) {
        Link l = visible(req, caller);
        Range r = Range.of(req);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("code", l.code().value());
        out.put("clicks", clicks.total(l.id()));
        report(out, List.of(l.id()), r);
        ArrayNode daily = out.putArray("daily");
        LocalDate fromUtc = r.from.atStartOfDay(r.zone).withZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        LocalDate toUtc = r.to.plusDays(1).atStartOfDay(r.zone).minusNanos(1).withZoneSameInstant(ZoneOffset.UTC).toLocalDate();
        for (DailyClicks d : clicks.daily(l.id(), fromUtc, toUtc)) {
            daily.addObject().put("day", d.day().toString()).put("clicks", d.clicks());
        }
        return Json.reply(200, out);
    }

    private Reply instanceStats(Request req, Caller caller) {
        Range r = Range.of(req);
        String tag = req.param("tag");
        List<Long> scope = null;
        ObjectNode out = Json.MAPPER.createObjectNode();
        if (tag != null && !tag.isEmpty()) {
            scope = linksTagged(tag, caller);
            out.put("tag", tag);
            out.put("links", scope.size());
        } else if (!caller.admin()) {
            throw new HttpError(Problem.of(403, "forbidden", "Forbidden", "instance-wide stats need the admin scope; ask for a tag"));
        }
        report(out, scope, r);
        return Json.reply(200, out);
    }

    private List<Long> linksTagged(String tag, Caller caller) {
        List<Long> ids = new ArrayList<>();
        long after = 0;
        do {
            Page<Link> page = links.list(new LinkQuery(caller.admin() ? null : caller.owner(), tag, null, null, null, after,
                    LinkQuery.MAX_LIMIT));
            page.items().forEach(l -> ids.add(l.id()));
            after = page.nextAfterId();
        } while (after != 0 && ids.size() < MAX_TAG_LINKS);
        return ids;
    }

    private void report(ObjectNode out, List<Long> scope, Range r) {
        Stats.Report rep = stats.report(scope, r.from, r.to, r.zone, r.granularity, r.top);
        out.put("from", r.from.toString());
        out.put("to", r.to.toString());
        out.put("tz", r.zone.getId());
        out.put("granularity", r.granularity.name().toLowerCase(Locale.ROOT));
        ObjectNode totals = out.putObject("totals");
        counts(totals, rep.totals());
        totals.put("uniques", rep.uniques());
        ArrayNode series = out.putArray("series");
        for (Stats.Point p : rep.series()) {
            counts(series.addObject().put("start", p.start().toOffsetDateTime().toString()), p.counts());
        }
        ObjectNode top = out.putObject("top");
        for (Map.Entry<Dim, List<Map.Entry<String, Counts>>> e : rep.top().entrySet()) {
            ArrayNode list = top.putArray(e.getKey().plural);
            for (Map.Entry<String, Counts> v : e.getValue()) {
                list.addObject().put("value", v.getKey()).put("clicks", v.getValue().clicks())
                        .put("humans", v.getValue().humans()).put("bots", v.getValue().bots());
            }
        }
    }

    private static void counts(ObjectNode o, Counts c) {
        o.put("clicks", c.clicks()).put("humans", c.humans()).put("bots", c.bots()).put("heads", c.heads());
    }

    private Reply linkVisits(Request req, Caller caller) {
        Link l = visible(req, caller);
        return export(req, List.of(l.id()), l.code().value());
    }

    private Reply allVisits(Request req, Caller caller) {
        return export(req, null, null);
    }

    /**
     * Visits in the range as CSV (the default) or NDJSON ({@code format=ndjson} or {@code Accept:
     * application/x-ndjson}), oldest first, streamed: an export of any size holds one chunk in memory.
     */
    private Reply export(Request req, List<Long> scope, String code) {
        Range r = Range.of(req);
        String format = req.param("format");
        String accept = req.header("accept");
        boolean ndjson = "ndjson".equals(format) || (format == null && accept != null && accept.contains("application/x-ndjson"));
        if (format != null && !format.equals("csv") && !format.equals("ndjson")) {
            throw Json.invalid("format", "format must be csv or ndjson");
        }
        long fromMs = r.from.atStartOfDay(r.zone).toInstant().toEpochMilli();
        long toMs = r.to.plusDays(1).atStartOfDay(r.zone).toInstant().toEpochMilli();
        return Reply.stream(200, ndjson ? "application/x-ndjson" : "text/csv; charset=utf-8", out -> {
            java.io.Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
            if (!ndjson) {
                w.write(VisitFormat.CSV_HEADER);
            }
            try {
                analytics.visits(scope, fromMs, toMs, v -> {
                    try {
                        w.write(ndjson ? VisitFormat.ndjson(v, code) : VisitFormat.csv(v, code));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            w.flush();
        }).header("cache-control", "no-store");
    }

    private Link visible(Request req, Caller caller) {
        return LinksApi.visible(links, req, caller);
    }

    private static ZoneId zone(String tz) {
        if (tz == null || tz.isEmpty()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            throw Json.invalid("tz", "tz must be a time zone such as Europe/Paris or +02:00");
        }
    }

    private static Stats.Granularity granularity(String g) {
        if (g == null || g.isEmpty()) {
            return Stats.Granularity.DAY;
        }
        return switch (g) {
            case "hour" -> Stats.Granularity.HOUR;
            case "day" -> Stats.Granularity.DAY;
            case "month" -> Stats.Granularity.MONTH;
            default -> throw Json.invalid("granularity", "granularity must be hour, day or month");
        };
    }

    private static int top(String n) {
        if (n == null || n.isEmpty()) {
            return 10;
        }
        try {
            int v = Integer.parseInt(n);
            if (v >= 1 && v <= 100) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw Json.invalid("top", "top must be a number from 1 to 100");
    }

    private static LocalDate day(Request req, String name, LocalDate dflt) {
        String v = req.param(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            throw Json.invalid(name, name + " must be a date such as 2026-01-31");
        }
    }
}
