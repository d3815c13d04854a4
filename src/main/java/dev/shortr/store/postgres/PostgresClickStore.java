package dev.shortr.store.postgres;

import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.DailyClicks;
import dev.shortr.visit.TallyMap;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ClickStore} on a {@link PostgresDatabase}: one row per link and UTC day in click_days, incremented in
 * place. A batch of tallies is one transaction of upserts sent as arrays, a statement per {@value #CHUNK} tallies;
 * their keys come sorted, so two nodes adding to the same rows lock them in the same order and cannot deadlock.
 * (SQLite appends a log row per batch instead: its single writer pays per row touched, a server does not.)
 */
public final class PostgresClickStore implements ClickStore {
    private static final String ONCE = "INSERT INTO click_batches (key) VALUES (?) ON CONFLICT DO NOTHING";
    private static final String ADD = "INSERT INTO click_days (link_id, day, clicks) "
            + "SELECT u.link_id, DATE '1970-01-01' + u.day, u.clicks FROM unnest(?::bigint[], ?::int[], ?::bigint[]) "
            + "AS u(link_id, day, clicks) ON CONFLICT (link_id, day) DO UPDATE SET clicks = click_days.clicks + excluded.clicks";
    private static final String TOTAL = "SELECT coalesce(sum(clicks), 0) FROM click_days WHERE link_id = ?";
    private static final String TOTALS = "SELECT link_id, sum(clicks) FROM click_days WHERE link_id = ANY (?::bigint[]) "
            + "GROUP BY link_id";
    private static final String DAILY = "SELECT day, clicks FROM click_days WHERE link_id = ? AND day BETWEEN ? AND ? "
            + "ORDER BY day";
    /** Tallies per statement: bounds the arrays a statement carries (a flush may hold a million link-days). */
    static final int CHUNK = 50_000;

    private final PostgresDatabase db;

    public PostgresClickStore(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void add(ClickTallies tallies) {
        int n = tallies.size();
        if (n == 0) {
            return;
        }
        db.write("add " + n + " click tallies", c -> {
            addIn(c, tallies);
            return null;
        });
    }

    private static void addIn(java.sql.Connection c, ClickTallies tallies) throws java.sql.SQLException {
        int n = tallies.size();
        try (PreparedStatement add = c.prepareStatement(ADD)) {
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                long[] links = new long[to - from];
                int[] days = new int[to - from];
                for (int i = from; i < to; i++) {
                    links[i - from] = TallyMap.linkOf(tallies.keys()[i]);
                    days[i - from] = (int) TallyMap.dayOf(tallies.keys()[i]);
                }
                add.setObject(1, links);
                add.setObject(2, days);
                add.setObject(3, Arrays.copyOfRange(tallies.counts(), from, to));
                add.executeUpdate();
            }
        }
    }

    @Override
    public boolean addOnce(String key, ClickTallies tallies) {
        return db.write("add click batch " + key, c -> {
            try (PreparedStatement once = c.prepareStatement(ONCE)) {
                once.setString(1, key);
                if (once.executeUpdate() == 0) {
                    return false; // seen before: the counts are in already
                }
            }
            addIn(c, tallies);
            return true;
        });
    }

    @Override
    public long total(long linkId) {
        return db.read("click total of link " + linkId, c -> {
            try (PreparedStatement total = c.prepareStatement(TOTAL)) {
                total.setLong(1, linkId);
                try (ResultSet rs = total.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
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
        for (Long id : linkIds) {
            out.put(id, 0L);
        }
        long[] ids = linkIds.stream().mapToLong(Long::longValue).toArray();
        return db.read("click totals of " + ids.length + " links", c -> {
            try (PreparedStatement totals = c.prepareStatement(TOTALS)) {
                totals.setObject(1, ids);
                try (ResultSet rs = totals.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to) {
        return db.read("daily clicks of link " + linkId, c -> {
            try (PreparedStatement daily = c.prepareStatement(DAILY)) {
                daily.setLong(1, linkId);
                daily.setObject(2, from);
                daily.setObject(3, to);
                List<DailyClicks> out = new ArrayList<>();
                try (ResultSet rs = daily.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getLong(2) != 0) {
                            out.add(new DailyClicks(rs.getObject(1, LocalDate.class), rs.getLong(2)));
                        }
                    }
                }
                return out;
            }
        });
    }
}
