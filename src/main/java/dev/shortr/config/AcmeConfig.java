package dev.shortr.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Certificates from an ACME CA (RFC 8555) over HTTP-01, answered by this node: one certificate for all
 * {@code domains}, renewed before it expires, kept in the data directory and served by the HTTPS listener.
 *
 * @param enabled       order and renew a certificate; needs {@code tls.enabled}
 * @param directory     the CA's directory URL (Let's Encrypt's production one by default)
 * @param directoryCa   a PEM file of CA certificates to trust for the directory's own HTTPS (a private or test CA
 *                      such as Pebble), or null for the JDK's trust store
 * @param email         the account's contact address, or empty for none
 * @param domains       the DNS names of the one certificate, the first also naming its directory; no wildcards
 *                      (HTTP-01 cannot prove them)
 * @param renewBefore   renew once the certificate has less than this left
 * @param agreeToTerms  the CA's terms of service are accepted; no account is made without it
 * @param checkInterval how often the certificate's expiry is looked at (and at start-up)
 */
public record AcmeConfig(boolean enabled, String directory, Path directoryCa, String email, List<String> domains,
                         Duration renewBefore, boolean agreeToTerms, Duration checkInterval) {
    /** Let's Encrypt's production directory. */
    public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
    /** Let's Encrypt's staging directory: untrusted certificates, generous rate limits. */
    public static final String LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

    public AcmeConfig {
        Setting.TLS_ACME_DIRECTORY.require(directory);
        Setting.TLS_ACME_EMAIL.require(email);
        Setting.TLS_ACME_DOMAINS.require(domains);
        domains = domains.stream().map(Setting::asciiDomain).distinct().toList();
        Setting.TLS_ACME_RENEW_BEFORE.require(renewBefore);
        Setting.TLS_ACME_CHECK_INTERVAL.require(checkInterval);
        String p = problem(enabled, domains, agreeToTerms);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    public static AcmeConfig defaults() {
        return new AcmeConfig(false, LETS_ENCRYPT, null, "", List.of(), Duration.ofDays(30), false, Duration.ofHours(24));
    }

    /** What keeps an enabled ACME config from ordering anything, or null. */
    static String problem(boolean enabled, java.util.Collection<?> domains, boolean agreeToTerms) {
        if (!enabled) {
            return null;
        }
        if (domains.isEmpty()) {
            return Setting.TLS_ACME_DOMAINS.key + ": name at least one domain to order a certificate for";
        }
        return agreeToTerms ? null : Setting.TLS_ACME_AGREE_TO_TERMS.key
                + ": must be true to order certificates: it accepts the CA's terms of service (read them at the directory's "
                + "termsOfService URL; Let's Encrypt's are at https://letsencrypt.org/repository/)";
    }
}
