package dev.shortr.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a key may do. {@code admin} implies every other scope. {@code replication} reads the change feed and the
 * link snapshot (what an edge needs) and nothing else.
 */
public enum Scope {
    LINKS_READ("links:read"), LINKS_WRITE("links:write"), STATS_READ("stats:read"), REPLICATION("replication"), ADMIN("admin");

    private final String wire;

    Scope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Scope parse(String s) {
        for (Scope sc : values()) {
            if (sc.wire.equals(s.strip().toLowerCase(Locale.ROOT))) {
                return sc;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + s + "'; expected links:read, links:write, stats:read, replication or admin");
    }

    /** Parses a comma-separated list such as {@code links:read,links:write}. */
    public static Set<Scope> parseList(String csv) {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        for (String part : csv.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("at least one scope is required");
        }
        return out;
    }
}
