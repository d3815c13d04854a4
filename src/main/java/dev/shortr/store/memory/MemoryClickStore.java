package dev.shortr.store.memory;

import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.DailyClicks;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** {@link ClickStore} in the heap: per link, a day-ordered map of counters. */
public final class MemoryClickStore implements ClickStore {
    private final Map<Long, NavigableMap<LocalDate, Long>> days = new HashMap<>();
    private final java.util.Set<String> batches = new java.util.HashSet<>();

    @Override
    public synchronized boolean addOnce(String key, ClickTallies tallies) {
        if (!batches.add(key)) {
            return false;
        }
        add(tallies);
        return true;
    }

    @Override
    public synchronized void add(ClickTallies tallies) {
        for (int i = 0; i < tallies.size(); i++) {
            days.computeIfAbsent(tallies.linkId(i), id -> new TreeMap<>()).merge(tallies.day(i), tallies.counts()[i], Long::sum);
        }
    }

    @Override
    public synchronized long total(long linkId) {
        NavigableMap<LocalDate, Long> link = days.get(linkId);
        return link == null ? 0 : link.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public synchronized Map<Long, Long> totals(Collection<Long> linkIds) {
        Map<Long, Long> out = new HashMap<>();
        for (Long id : linkIds) {
            long total = total(id);
            if (total != 0) {
                out.put(id, total);
            }
        }
        return out;
    }

    @Override
    public synchronized List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to) {
        NavigableMap<LocalDate, Long> link = days.get(linkId);
        List<DailyClicks> out = new ArrayList<>();
        if (link == null || from.isAfter(to)) {
            return out;
        }
        link.subMap(from, true, to, true).forEach((day, clicks) -> out.add(new DailyClicks(day, clicks)));
        return out;
    }
}
