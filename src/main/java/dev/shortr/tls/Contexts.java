package dev.shortr.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One immutable generation of TLS contexts: a context per set of names (with its ECDSA and RSA certificates
 * side by side), found by the SNI name, wildcards included, and a default for clients that send no name or an
 * unknown one. A reload builds a new generation aside and swaps it in whole.
 */
final class Contexts {
    private static final Logger log = LoggerFactory.getLogger(Contexts.class);

    /**
     * AEAD suites with forward secrecy only. TLS 1.3 has nothing else (and BoringSSL fixes its 1.3 suites);
     * for TLS 1.2, ECDHE with AES-GCM or ChaCha20-Poly1305: no CBC, RC4, 3DES, static RSA, NULL or export.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** How every context is made. */
    record Options(SslProvider provider, List<String> protocols, List<String> alpn, int sessionCacheSize,
                   long sessionTimeoutSeconds, boolean ocsp) {}

    private final Mapping<String, SslContext> byName;
    private final List<SslContext> all;
    private final List<Credential> credentials;

    private Contexts(Mapping<String, SslContext> byName, List<SslContext> all, List<Credential> credentials) {
        this.byName = byName;
        this.all = all;
        this.credentials = credentials;
    }

    /**
     * Groups {@code credentials} by name and builds a context per group. Where two certificates of the same key
     * type claim a name, the one listed first keeps it. The first credential's names give the default.
     */
    static Contexts build(List<Credential> credentials, Options options, TicketKeys tickets) throws SSLException {
        Map<String, Credential[]> byNameAndType = new LinkedHashMap<>(); // name -> {ec, rsa}
        for (Credential c : credentials) {
            int slot = c.type() == Credential.Type.EC ? 0 : 1;
            for (String name : c.names()) {
                Credential[] pair = byNameAndType.computeIfAbsent(name, n -> new Credential[2]);
                if (pair[slot] == null) {
                    pair[slot] = c;
                } else if (pair[slot] != c) {
                    log.warn("TLS: two {} certificates for {}; the first listed is served: {}", c.type(), name,
                            pair[slot].describe());
                }
            }
        }
        Map<List<Credential>, SslContext> byPair = new LinkedHashMap<>();
        Map<String, SslContext> contextByName = new LinkedHashMap<>();
        for (Map.Entry<String, Credential[]> e : byNameAndType.entrySet()) {
            Credential[] pair = e.getValue();
            List<Credential> key = Arrays.asList(pair); // {ec, rsa}, either may be null; compared by identity
            SslContext ctx = byPair.get(key);
            if (ctx == null) {
                ctx = context(pair[0], pair[1], options);
                tickets.applyTo(ctx);
                byPair.put(key, ctx);
            }
            contextByName.put(e.getKey(), ctx);
        }
        Credential first = credentials.getFirst();
        SslContext fallback = first.names().isEmpty() ? null : contextByName.get(first.names().iterator().next());
        if (fallback == null) { // a certificate without names: it is the default, for every name not claimed
            fallback = context(first.type() == Credential.Type.EC ? first : null,
                    first.type() == Credential.Type.RSA ? first : null, options);
            tickets.applyTo(fallback);
            byPair.put(List.of(first), fallback);
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(fallback);
        contextByName.forEach(mapping::add);
        List<SslContext> all = List.copyOf(byPair.values());
        return new Contexts(mapping.build(), all, List.copyOf(credentials));
    }

    private static SslContext context(Credential ec, Credential rsa, Options o) throws SSLException {
        boolean openSsl = o.provider() == SslProvider.OPENSSL;
        KeyManagerFactory keys = new KeyChooser(ec, rsa, openSsl && o.ocsp()).factory();
        if (openSsl) {
            keys = new OpenSslCachingX509KeyManagerFactory(keys); // the native key material is built once per alias
        }
        SslContext ctx = SslContextBuilder.forServer(keys)
                .sslProvider(o.provider())
                .protocols(o.protocols())
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, o.alpn()))
                .sessionCacheSize(o.sessionCacheSize())
                .sessionTimeout(o.sessionTimeoutSeconds())
                .enableOcsp(openSsl && o.ocsp())
                .build();
        if (ctx.sessionContext() instanceof OpenSslSessionContext s) {
            s.setSessionCacheEnabled(o.sessionCacheSize() > 0);
        }
        return ctx;
    }

    /** The context for an SNI name; null (no SNI) and unknown names get the default. */
    SslContext forName(String name) {
        return byName.map(name);
    }

    List<SslContext> all() {
        return all;
    }

    List<Credential> credentials() {
        return credentials;
    }
}
