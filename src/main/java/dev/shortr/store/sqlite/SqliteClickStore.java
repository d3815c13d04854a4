package dev.shortr.store.sqlite;

import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.DailyClicks;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * {@link ClickStore} on a {@link SqliteDatabase}: one row per link and UTC day in click_days, plus the
 * clicks of the {@link ClickLog} not yet compacted into it. An add costs one appended row, whatever the
 * number of tallies; reads add the pending counts, so they are exact as soon as an add returns.
 */
public final class SqliteClickStore implements ClickStore {
    private static final String TOTAL = "SELECT coalesce(sum(clicks), 0) FROM click_days WHERE link_id = ?";
    // one statement for any number of ids: the ids travel as a JSON array
    private static final String TOTALS = "SELECT link_id, sum(clicks) FROM click_days "
            + "WHERE link_id IN (SELECT value FROM json_each(?)) GROUP BY link_id";
    private static final String DAILY = "SELECT day, clicks FROM click_days WHERE link_id = ? AND day BETWEEN ? AND ? "
            + "ORDER BY day";

    private final SqliteDatabase db;
    private final ClickLog log;

    public SqliteClickStore(SqliteDatabase db) {
        this.db = db;
        this.log = db.clickLog();
    }

    @Override
    public void add(ClickTallies tallies) {
        if (tallies.size() > 0) {
            log.add(tallies);
        }
    }

    @Override
    public boolean addOnce(String key, ClickTallies tallies) {
        return log.addOnce(key, tallies);
    }

    @Override
    public long total(long linkId) {
        return db.read("click total of link " + linkId, s -> log.consistent(s, c -> {
            PreparedStatement total = c.prepare(TOTAL);
            total.setLong(1, linkId);
            try (ResultSet rs = total.executeQuery()) {
                rs.next();
                return rs.getLong(1) + log.total(linkId);
            }
        }));
    }

    /** Every id asked for is in the result, with 0 when it has no clicks. */
    @Override
    public Map<Long, Long> totals(Collection<Long> linkIds) {
        if (linkIds.isEmpty()) {
            return new HashMap<>();
        }
        StringJoiner ids = new StringJoiner(",", "[", "]");
        for (Long id : linkIds) {
            ids.add(Long.toString(id));
        }
        return db.read("click totals of " + linkIds.size() + " links", s -> log.consistent(s, c -> {
            Map<Long, Long> out = new HashMap<>();
            for (Long id : linkIds) {
                out.put(id, log.total(id));
            }
            PreparedStatement totals = c.prepare(TOTALS);
            totals.setString(1, ids.toString());
            try (ResultSet rs = totals.executeQuery()) {
                while (rs.next()) {
                    out.merge(rs.getLong(1), rs.getLong(2), Long::sum);
                }
            }
            return out;
        }));
    }

    @Override
    public List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to) {
        return db.read("daily clicks of link " + linkId, s -> log.consistent(s, c -> {
            TreeMap<LocalDate, Long> days = stored(c, linkId, from, to);
            log.daily(linkId, from, to, (day, clicks) -> days.merge(LocalDate.ofEpochDay(day), clicks, Long::sum));
            List<DailyClicks> out = new ArrayList<>(days.size());
            days.forEach((day, clicks) -> {
                if (clicks != 0) {
                    out.add(new DailyClicks(day, clicks));
                }
            });
            return out;
        }));
    }

    private static TreeMap<LocalDate, Long> stored(Session s, long linkId, LocalDate from, LocalDate to) throws SQLException {
        PreparedStatement daily = s.prepare(DAILY);
        daily.setLong(1, linkId);
        daily.setString(2, from.toString());
        daily.setString(3, to.toString());
        TreeMap<LocalDate, Long> days = new TreeMap<>();
        try (ResultSet rs = daily.executeQuery()) {
            while (rs.next()) {
                days.put(LocalDate.parse(rs.getString(1)), rs.getLong(2));
            }
        }
        return days;
    }
}
