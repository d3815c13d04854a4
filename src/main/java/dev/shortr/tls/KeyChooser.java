package dev.shortr.tls;

import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The certificates of one set of names: an ECDSA one, an RSA one, or both side by side. With both, each
 * handshake gets the one the client can verify, ECDSA first (smaller, and cheaper to sign with).
 *
 * <p>The JDK asks for each key type in the order of the client's signature algorithms, so answering by type
 * is enough. BoringSSL asks once, before it has chosen a cipher, with a type taken from our own cipher list, so
 * for it the choice is made here from the signature algorithms the client offered. On BoringSSL the chosen
 * certificate's OCSP response is stapled here too: only now is it known which certificate is served.
 */
final class KeyChooser extends X509ExtendedKeyManager {
    private static final String EC = "ec";
    private static final String RSA = "rsa";

    private final Credential ec;
    private final Credential rsa;
    private final boolean staple;

    /** Either credential may be null, not both; {@code staple} only on a context built with OCSP enabled. */
    KeyChooser(Credential ec, Credential rsa, boolean staple) {
        if (ec == null && rsa == null) {
            throw new IllegalArgumentException("no credential");
        }
        this.ec = ec;
        this.rsa = rsa;
        this.staple = staple;
    }

    /** This chooser as the only key manager of a factory, which is how Netty's context builders take one. */
    KeyManagerFactory factory() {
        KeyManager[] managers = {this};
        return new KeyManagerFactory(new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks, char[] password) {}

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {}

            @Override
            protected KeyManager[] engineGetKeyManagers() {
                return managers.clone();
            }
        }, null, "shortr") {};
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            Credential c = ec == null ? rsa : rsa == null || acceptsEcdsa(engine) ? ec : rsa;
            byte[] response = c.staple();
            if (staple && response != null) {
                openSsl.setOcspResponse(response);
            }
            return c == ec ? EC : RSA;
        }
        return byType(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return byType(keyType);
    }

    /** RSASSA-PSS signatures made with an RSA key ({@code rsa_pss_rsae_*}) are asked for as "RSA" too. */
    private String byType(String keyType) {
        if ("EC".equals(keyType)) {
            return ec == null ? null : EC;
        }
        return "RSA".equals(keyType) && rsa != null ? RSA : null;
    }

    /** Whether the client's signature_algorithms list an ECDSA scheme. */
    private static boolean acceptsEcdsa(SSLEngine engine) {
        SSLSession s = engine.getHandshakeSession();
        if (!(s instanceof ExtendedSSLSession session)) {
            return true;
        }
        String[] algorithms = session.getPeerSupportedSignatureAlgorithms();
        if (algorithms.length == 0) {
            return true; // TLS 1.2 without the extension: RFC 5246 §7.4.1.4.1 defaults; ECDHE-ECDSA ciphers decide
        }
        for (String a : algorithms) {
            if (a.toUpperCase(Locale.ROOT).contains("ECDSA")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Credential c = credential(alias);
        return c == null ? null : c.chainArray();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Credential c = credential(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = byType(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    private Credential credential(String alias) {
        return EC.equals(alias) ? ec : RSA.equals(alias) ? rsa : null;
    }
}
