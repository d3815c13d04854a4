package dev.shortr.dns.zone;

import java.util.List;

/** Sites that serve the same thing, in the configured order (the order {@code failover} walks). */
public record Pool(String name, List<Site> sites) {
    public Pool {
        sites = List.copyOf(sites);
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("pool " + name + " has no sites");
        }
    }
}
