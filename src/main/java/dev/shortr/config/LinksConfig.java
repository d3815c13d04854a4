package dev.shortr.config;

import java.util.Set;

/** Link creation rules. */
public record LinksConfig(int codeLength, Set<String> blockedDomains) {
    public LinksConfig {
        blockedDomains = Set.copyOf(blockedDomains);
    }

    public static LinksConfig defaults() {
        return new LinksConfig(7, Set.of());
    }
}
