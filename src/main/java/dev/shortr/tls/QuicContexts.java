package dev.shortr.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The QUIC side of one {@link Contexts} generation, for HTTP/3: contexts of Netty's native QUIC codec (quiche, with
 * its own BoringSSL), made from the same credentials as the HTTPS listener's. A context per set of names, picked by
 * SNI from the default one; each holds its names' ECDSA and RSA certificates, and BoringSSL's certificate callback
 * takes the one the client's signature algorithms accept, ECDSA first. QUIC is TLS 1.3 only, with ALPN {@code h3}.
 * A reload builds a new generation, so new connections get the new certificates and open ones keep theirs.
 */
final class QuicContexts {
    static final String ALPN = "h3";

    private final QuicSslContext fallback;
    private final List<QuicSslContext> all;

    private QuicContexts(QuicSslContext fallback, List<QuicSslContext> all) {
        this.fallback = fallback;
        this.all = all;
    }

    /**
     * @param earlyData accept TLS 1.3 early data (0-RTT) from clients resuming a session
     */
    static QuicContexts build(List<Credential> credentials, Contexts.Options options, boolean earlyData) {
        Map<String, Credential[]> byName = new LinkedHashMap<>(); // name -> {ec, rsa}; the first listed of a kind wins
        for (Credential c : credentials) {
            int slot = c.type() == Credential.Type.EC ? 0 : 1;
            for (String name : c.names()) {
                byName.computeIfAbsent(name, n -> new Credential[2]);
                if (byName.get(name)[slot] == null) {
                    byName.get(name)[slot] = c;
                }
            }
        }
        Credential first = credentials.getFirst();
        Credential[] firstPair = first.names().isEmpty() ? null : byName.get(first.names().iterator().next());
        Pair fallbackPair = firstPair != null ? new Pair(firstPair[0], firstPair[1])
                : first.type() == Credential.Type.EC ? new Pair(first, null) : new Pair(null, first);

        // one context per distinct pair of certificates, however many names share it
        Map<Pair, QuicSslContext> contexts = new LinkedHashMap<>();
        DomainWildcardMappingBuilder<Pair> names = new DomainWildcardMappingBuilder<>(fallbackPair);
        for (Map.Entry<String, Credential[]> e : byName.entrySet()) {
            Pair pair = new Pair(e.getValue()[0], e.getValue()[1]);
            names.add(e.getKey(), pair);
            if (!pair.equals(fallbackPair)) {
                contexts.computeIfAbsent(pair, p -> context(p, options, earlyData, null));
            }
        }
        Mapping<String, Pair> pairs = names.build();
        QuicSslContext[] fallback = new QuicSslContext[1];
        // the default context answers every name: its own, unknown ones, and no SNI; the others it hands over to
        Mapping<String, QuicSslContext> sni = name -> {
            QuicSslContext ctx = contexts.get(pairs.map(name));
            return ctx != null ? ctx : fallback[0];
        };
        fallback[0] = context(fallbackPair, options, earlyData, sni);
        List<QuicSslContext> all = new ArrayList<>();
        all.add(fallback[0]);
        all.addAll(contexts.values());
        return new QuicContexts(fallback[0], List.copyOf(all));
    }

    private static QuicSslContext context(Pair pair, Contexts.Options options, boolean earlyData,
                                          Mapping<String, QuicSslContext> sni) {
        QuicSslContextBuilder b = QuicSslContextBuilder.forServer(new PairKeys(pair), null)
                .applicationProtocols(ALPN)
                .earlyData(earlyData)
                .sessionCacheSize(options.sessionCacheSize())
                .sessionTimeout(options.sessionTimeoutSeconds());
        if (sni != null) {
            b.sni(sni);
        }
        return b.build();
    }

    /** A new server engine for a QUIC connection, on the default context (SNI may move it to another). */
    QuicSslEngine newEngine(ByteBufAllocator alloc) {
        return fallback.newEngine(alloc);
    }

    /** Every context of this generation, for the session-ticket keys. */
    List<QuicSslContext> all() {
        return all;
    }

    /** The ECDSA and the RSA certificate of a set of names; either may be null, not both. */
    private record Pair(Credential ec, Credential rsa) {}

    /**
     * Hands BoringSSL's certificate callback the pair's certificate for the key type it asks for. It asks in the
     * order of the client's signature algorithms; every TLS 1.3 client must accept ECDSA P-256 (RFC 8446 §9.1), so
     * where both exist the ECDSA one is served unless the client puts RSA first.
     */
    private static final class PairKeys extends X509ExtendedKeyManager {
        private static final String EC = "EC";
        private static final String RSA = "RSA";
        private final Pair pair;

        PairKeys(Pair pair) {
            this.pair = pair;
        }

        private Credential of(String alias) {
            return EC.equals(alias) ? pair.ec() : RSA.equals(alias) ? pair.rsa() : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return of(keyType) != null ? keyType : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return of(keyType) != null ? new String[] {keyType} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Credential c = of(alias);
            return c == null ? null : c.chainArray();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Credential c = of(alias);
            return c == null ? null : c.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
