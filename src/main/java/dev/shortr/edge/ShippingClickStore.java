package dev.shortr.edge;

import dev.shortr.link.LinkStore;
import dev.shortr.link.ShortCode;
import dev.shortr.visit.ClickStore;
import dev.shortr.visit.ClickTallies;
import dev.shortr.visit.DailyClicks;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The edge's click store: each batch the aggregator flushes is counted locally (a click limit is enforced against
 * what this edge saw) and kept in the outbox, by code, for the origin, before the flush returns.
 */
final class ShippingClickStore implements ClickStore {
    private final ClickStore local;
    private final LinkStore links;
    private final ClickOutbox outbox;

    ShippingClickStore(ClickStore local, LinkStore links, ClickOutbox outbox) {
        this.local = local;
        this.links = links;
        this.outbox = outbox;
    }

    @Override
    public void add(ClickTallies tallies) {
        local.add(tallies);
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < tallies.size(); i++) {
            ids.add(tallies.linkId(i));
        }
        Map<Long, ShortCode> codes = links.codes(ids);
        List<ClickOutbox.Count> counts = new ArrayList<>(tallies.size());
        for (int i = 0; i < tallies.size(); i++) {
            ShortCode code = codes.get(tallies.linkId(i));
            if (code != null) { // a link deleted since the click: the origin has no use for it either
                counts.add(new ClickOutbox.Count(code.value(), tallies.day(i), tallies.counts()[i]));
            }
        }
        outbox.keep(counts);
    }

    @Override
    public long total(long linkId) {
        return local.total(linkId);
    }

    @Override
    public Map<Long, Long> totals(Collection<Long> linkIds) {
        return local.totals(linkIds);
    }

    @Override
    public List<DailyClicks> daily(long linkId, LocalDate from, LocalDate to) {
        return local.daily(linkId, from, to);
    }
}
