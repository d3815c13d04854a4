package dev.shortr.store.sqlite;

import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTally;
import dev.shortr.visit.DailyClicks;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** {@link ClickStore} on a {@link SqliteDatabase}: one row per link and UTC day, incremented in place. */
public final class SqliteClickStore implements ClickStore {
    private static final String ADD = "INSERT INTO click_days (link_id, day, clicks) VALUES (?, ?, ?) "
            + "ON CONFLICT (link_id, day) DO UPDATE SET clicks = clicks + excluded.clicks";
    private static final String TOTAL = "SELECT coalesce(sum(clicks), 0) FROM click_days WHERE link_id = ?";
    // one statement for any number of ids: the ids travel as a JSON array
    private static final String TOTALS = "SELECT link_id, sum(clicks) FROM click_days "
            + "WHERE link_id IN (SELECT value FROM json_each(?)) GROUP BY link_id";
    private static final String DAILY = "SELECT day, clicks FROM click_days WHERE link_id = ? AND day BETWEEN ? AND ? "
            + "ORDER BY day";

    private final SqliteDatabase db;

    public SqliteClickStore(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void add(Collection<ClickTally> tallies) {
        if (tallies.isEmpty()) {
            return;
        }
        db.write("add " + tallies.size() + " click tallies", s -> {
            PreparedStatement add = s.prepare(ADD);
            for (ClickTally t : tallies) {
                add.setLong(1, t.linkId());
                add.setString(2, t.day().toString());
                add.setLong(3, t.clicks());
                add.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public long total(long linkId) {
        return db.read("click total of link " + linkId, s -> {
            PreparedStatement total = s.prepare(TOTAL);
            total.setLong(1, linkId);
            try (ResultSet rs = total.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Every id asked for is in the result, with 0 when it has no clicks. */
    @Override
    public Map<Long, Long> totals(Collection<Long> linkIds) {
        Map<Long, Long> out = new HashMap<>();
        if (linkIds.isEmpty()) {
            return out;
        }
        StringJoiner ids = new StringJoiner(",", "[", "]");
        for (Long id : linkIds) {
            ids.add(Long.toString(id));
            out.put(id, 0L);
        }
        return db.read("click totals of " + linkIds.size() + " links", s -> {
            PreparedStatement totals = s.prepare(TOTALS);
            totals.setString(1, ids.toString());
            try (ResultSet rs = totals.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    @Override
    public List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to) {
        return db.read("daily clicks of link " + linkId, s -> {
            PreparedStatement daily = s.prepare(DAILY);
            daily.setLong(1, linkId);
            daily.setString(2, from.toString());
            daily.setString(3, to.toString());
            List<DailyClicks> out = new ArrayList<>();
            try (ResultSet rs = daily.executeQuery()) {
                while (rs.next()) {
                    out.add(new DailyClicks(LocalDate.parse(rs.getString(1)), rs.getLong(2)));
                }
            }
            return out;
        });
    }
}
