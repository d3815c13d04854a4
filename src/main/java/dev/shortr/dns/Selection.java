package dev.shortr.dns;

import dev.shortr.dns.zone.GeoMap;
import dev.shortr.dns.zone.Policy;
import dev.shortr.dns.zone.Site;
import dev.shortr.dns.zone.Steering;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The sites a steered name answers with, by its policy, among the healthy ones (the filter chain NS1 and
 * Route 53 use: up, then geo or weight, then the first N). A pure function of its inputs.
 */
final class Selection {
    private Selection() {}

    /** The outcome: the sites to answer with, or {@code servfail} when none is up and the name says so. */
    record Chosen(List<Site> sites, boolean servfail) {
        static final Chosen SERVFAIL = new Chosen(List.of(), true);
    }

    /**
     * @param family    4 or 6 for A or AAAA (sites without such an address are not candidates), 0 for any
     * @param placement where the client is; its region may be null
     */
    static Chosen choose(Steering steering, int family, GeoMap.Placement placement, SiteHealth health, RandomGenerator random) {
        List<Site> candidates = new ArrayList<>();
        List<Site> up = new ArrayList<>();
        for (Site s : steering.pool().sites()) {
            if (family == 0 || s.has(family)) {
                candidates.add(s);
                if (health.up(s)) {
                    up.add(s);
                }
            }
        }
        if (candidates.isEmpty()) {
            return new Chosen(List.of(), false);
        }
        if (up.isEmpty()) {
            if (!steering.allDown()) {
                return Chosen.SERVFAIL;
            }
            up = candidates; // every site down: answering them all beats answering nothing (PowerDNS backupSelector=all)
        }
        int n = steering.answers();
        GeoMap.Region region = placement == null ? null : placement.region();
        List<Site> picked = switch (steering.policy()) {
            case WEIGHTED -> weighted(up, n, random);
            case FAILOVER -> up.subList(0, Math.min(n, up.size()));
            case NEAREST -> region == null ? weighted(up, n, random) : nearest(up, region, n);
            case GEO -> {
                if (region == null) {
                    yield weighted(up, n, random);
                }
                List<Site> local = up.stream().filter(s -> s.region().equals(region.name())).toList();
                yield !local.isEmpty() ? weighted(local, n, random) : nearest(up, region, n);
            }
        };
        return new Chosen(picked, false);
    }

    /** Whether a policy's answer depends on where the client is (and so needs a real ECS scope). */
    static boolean geographic(Policy p) {
        return p == Policy.GEO || p == Policy.NEAREST;
    }

    private static List<Site> nearest(List<Site> up, GeoMap.Region from, int n) {
        List<Site> located = up.stream().filter(Site::located).toList();
        if (located.isEmpty()) {
            return up.subList(0, Math.min(n, up.size()));
        }
        return located.stream()
                .sorted(Comparator.comparingDouble((Site s) -> GeoMap.distanceKm(from.lat(), from.lon(), s.lat(), s.lon()))
                        .thenComparing(Site::key))
                .limit(n).toList();
    }

    /** {@code n} distinct sites, each draw with probability weight / remaining total; weight 0 means "only if nothing else". */
    static List<Site> weighted(List<Site> sites, int n, RandomGenerator random) {
        List<Site> pool = new ArrayList<>(sites.stream().filter(s -> s.weight() > 0).toList());
        if (pool.isEmpty()) {
            pool = new ArrayList<>(sites);
        }
        if (pool.size() <= n && pool.size() == sites.size()) {
            return List.copyOf(pool);
        }
        List<Site> out = new ArrayList<>(Math.min(n, pool.size()));
        while (out.size() < n && !pool.isEmpty()) {
            long total = 0;
            for (Site s : pool) {
                total += Math.max(1, s.weight());
            }
            long r = random.nextLong(total);
            int i = 0;
            for (; i < pool.size() - 1; i++) {
                r -= Math.max(1, pool.get(i).weight());
                if (r < 0) {
                    break;
                }
            }
            out.add(pool.remove(i));
        }
        return out;
    }
}
