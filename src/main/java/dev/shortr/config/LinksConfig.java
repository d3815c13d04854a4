package dev.shortr.config;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Link creation rules.
 *
 * @param codeLength     length of generated codes, 4..32
 * @param blockedDomains hosts that may not be shortened, with their subdomains; kept lower case, IDNs in ASCII
 */
public record LinksConfig(int codeLength, Set<String> blockedDomains) {
    public LinksConfig {
        Setting.LINKS_CODE_LENGTH.require(codeLength);
        Setting.LINKS_BLOCKED_DOMAINS.require(blockedDomains);
        blockedDomains = blockedDomains.stream().map(Setting::asciiDomain).collect(Collectors.toUnmodifiableSet());
    }

    public static LinksConfig defaults() {
        return new LinksConfig(7, Set.of());
    }
}
