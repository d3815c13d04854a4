package dev.shortr.link;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Hosts that may not be shortened; an entry blocks the domain and every subdomain of it. */
public record DomainBlocklist(Set<String> domains) {
    public static final DomainBlocklist NONE = new DomainBlocklist(Set.of());

    public DomainBlocklist {
        domains = domains.stream().map(d -> d.strip().toLowerCase(Locale.ROOT))
                .map(d -> d.startsWith("*.") ? d.substring(2) : d)
                .filter(d -> !d.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    public boolean blocks(String asciiHost) {
        if (domains.isEmpty()) {
            return false;
        }
        String h = asciiHost.toLowerCase(Locale.ROOT);
        while (true) {
            if (domains.contains(h)) {
                return true;
            }
            int dot = h.indexOf('.');
            if (dot < 0) {
                return false;
            }
            h = h.substring(dot + 1);
        }
    }
}
