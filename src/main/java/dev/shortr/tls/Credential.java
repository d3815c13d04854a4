package dev.shortr.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * One certificate chain and its private key, as loaded from PEM files: the names it serves (for SNI), its key
 * type, where its OCSP responder is, and the OCSP response currently stapled to its handshakes.
 */
final class Credential {
    /** What BoringSSL and the JDK call the two key types we serve. */
    enum Type { RSA, EC }

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final Type type;
    private final Set<String> names;
    private final List<Path> files;
    private final String ocspUrl;
    private volatile Staple staple;

    /** An OCSP response and when it stops being valid (its nextUpdate), in epoch milliseconds. */
    private record Staple(byte[] der, long untilMillis) {}

    Credential(List<X509Certificate> chain, PrivateKey key, Type type, Set<String> names, List<Path> files, String ocspUrl) {
        this.chain = List.copyOf(chain);
        this.key = key;
        this.type = type;
        this.names = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(names)); // keeps the order
        this.files = List.copyOf(files);
        this.ocspUrl = ocspUrl;
    }

    X509Certificate leaf() {
        return chain.getFirst();
    }

    /** The certificate that issued the leaf, or null when the file holds the leaf alone. */
    X509Certificate issuer() {
        return chain.size() > 1 ? chain.get(1) : null;
    }

    X509Certificate[] chainArray() {
        return chain.toArray(X509Certificate[]::new);
    }

    PrivateKey key() {
        return key;
    }

    Type type() {
        return type;
    }

    /** DNS names from the leaf's subjectAltName (its CN when it has none), lower case; wildcards as {@code *.x}. */
    Set<String> names() {
        return names;
    }

    /** The PEM files it came from: the chain, and the key when it is a file of its own. */
    List<Path> files() {
        return files;
    }

    /** The OCSP responder named in the leaf's Authority Information Access, or null. */
    String ocspUrl() {
        return ocspUrl;
    }

    /** The DER OCSP response to staple, or null while there is none or it has passed its nextUpdate. */
    byte[] staple() {
        Staple s = staple;
        return s == null || System.currentTimeMillis() >= s.untilMillis() ? null : s.der();
    }

    /** Staples {@code der} to this certificate's handshakes until {@code untilMillis}; null stops stapling. */
    void staple(byte[] der, long untilMillis) {
        this.staple = der == null ? null : new Staple(der, untilMillis);
    }

    /** Takes over {@code older}'s staple when both are the same certificate (a reload that did not change it). */
    void inheritStaple(Credential older) {
        if (older.leaf().equals(leaf())) {
            this.staple = older.staple;
        }
    }

    /** For logs: "EC certificate for sho.rt, www.sho.rt (serial 1a2b, until 2026-09-01)". */
    String describe() {
        return type + " certificate for " + String.join(", ", names.stream().sorted().toList()) + " (serial "
                + leaf().getSerialNumber().toString(16) + ", until " + leaf().getNotAfter().toInstant() + ")";
    }
}
