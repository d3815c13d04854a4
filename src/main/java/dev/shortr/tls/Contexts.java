package dev.shortr.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One immutable generation of TLS contexts: a context per certificate, found by the SNI name (wildcards
 * included) and, where a name has an ECDSA and an RSA certificate side by side, by what the client's
 * ClientHello accepts; a default for clients that send no name or an unknown one. A reload builds a new
 * generation aside and swaps it in whole.
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

    /**
     * How every context is made.
     *
     * @param quic      build HTTP/3's QUIC contexts too ({@link QuicContexts})
     * @param earlyData accept 0-RTT early data on QUIC
     */
    record Options(SslProvider provider, List<String> protocols, List<String> alpn, int sessionCacheSize,
                   long sessionTimeoutSeconds, boolean ocsp, boolean quic, boolean earlyData) {}

    /** A context and the one certificate it serves. */
    record Served(SslContext context, Credential credential, boolean ocsp) {}

    /** The contexts of one name: ECDSA, RSA, or both; either may be null, not both. */
    private record Group(Served ec, Served rsa) {
        Served pick(ClientHello.Accepts accepts) {
            if (ec != null && (accepts.ecdsa() || rsa == null || !accepts.rsa())) {
                // with neither acceptable, the engine's own alert tells the client why
                return ec;
            }
            return rsa;
        }
    }

    private final Mapping<String, Group> byName;
    private final List<SslContext> all;
    private final List<Credential> credentials;
    private final QuicContexts quic;

    private Contexts(Mapping<String, Group> byName, List<SslContext> all, List<Credential> credentials, QuicContexts quic) {
        this.byName = byName;
        this.all = all;
        this.credentials = credentials;
        this.quic = quic;
    }

    /**
     * Groups {@code credentials} by name and builds a context per certificate. Where two certificates of the
     * same key type claim a name, the one listed first keeps it. The first credential's names give the default.
     */
    static Contexts build(List<Credential> credentials, Options options, TicketKeys tickets) throws SSLException {
        Map<Credential, Served> served = new LinkedHashMap<>();
        for (Credential c : credentials) {
            SslContext ctx = context(c, options);
            tickets.applyTo(ctx);
            served.put(c, new Served(ctx, c, options.ocsp() && options.provider() == SslProvider.OPENSSL));
        }
        Map<String, Served[]> byNameAndType = new LinkedHashMap<>(); // name -> {ec, rsa}
        for (Credential c : credentials) {
            int slot = c.type() == Credential.Type.EC ? 0 : 1;
            for (String name : c.names()) {
                Served[] pair = byNameAndType.computeIfAbsent(name, n -> new Served[2]);
                if (pair[slot] == null) {
                    pair[slot] = served.get(c);
                } else {
                    log.warn("TLS: two {} certificates for {}; the first listed is served: {}", c.type(), name,
                            pair[slot].credential().describe());
                }
            }
        }
        Credential first = credentials.getFirst();
        Served[] firstPair = first.names().isEmpty() ? null : byNameAndType.get(first.names().iterator().next());
        Group fallback = firstPair != null ? new Group(firstPair[0], firstPair[1])
                : first.type() == Credential.Type.EC ? new Group(served.get(first), null) : new Group(null, served.get(first));
        DomainWildcardMappingBuilder<Group> mapping = new DomainWildcardMappingBuilder<>(fallback);
        byNameAndType.forEach((name, pair) -> mapping.add(name, new Group(pair[0], pair[1])));
        List<SslContext> all = new java.util.ArrayList<>(served.values().stream().map(Served::context).toList());
        QuicContexts quic = null;
        if (options.quic()) {
            quic = QuicContexts.build(credentials, options, options.earlyData());
            quic.all().forEach(tickets::applyTo);
            all.addAll(quic.all());
        }
        return new Contexts(mapping.build(), List.copyOf(all), List.copyOf(credentials), quic);
    }

    private static SslContext context(Credential c, Options o) throws SSLException {
        boolean openSsl = o.provider() == SslProvider.OPENSSL;
        SslContext ctx = SslContextBuilder.forServer(c.key(), c.chainArray())
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

    /**
     * The context for an SNI name (null, for no SNI, and unknown names get the default) and for what the
     * client accepts: ECDSA when it can, else RSA.
     */
    Served forName(String name, ClientHello.Accepts accepts) {
        return byName.map(name).pick(accepts);
    }

    /** Every context of this generation, the QUIC ones included (for the session-ticket keys). */
    List<SslContext> all() {
        return all;
    }

    /** HTTP/3's QUIC contexts, or null when HTTP/3 is off. */
    QuicContexts quic() {
        return quic;
    }

    List<Credential> credentials() {
        return credentials;
    }
}
