package dev.shortr.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client's trust decision, recorded: the chain the server sent, the handshake's protocol and cipher, and why
 * it was refused, even when the handshake then fails. A resumed handshake sends no certificate, so this is not
 * called: that is how the probe tells a resumption from a full handshake on any TLS stack. With {@code insecure}
 * a refusal is kept and the handshake goes on. One handshake at a time ({@link #begin}).
 */
final class TrustRecorder extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final boolean insecure;
    private volatile boolean called;
    private volatile X509Certificate[] chain = new X509Certificate[0];
    private volatile String protocol;
    private volatile String cipher;
    private volatile String refused;

    private TrustRecorder(X509ExtendedTrustManager pkix, boolean insecure) {
        this.pkix = pkix;
        this.insecure = insecure;
    }

    /** Trusting the certificates in {@code caFile} (PEM), or the JDK's CAs when it is null. */
    static TrustRecorder of(Path caFile, boolean insecure) {
        try {
            KeyStore store = null;
            if (caFile != null) {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                Collection<? extends java.security.cert.Certificate> certs;
                try (InputStream in = Files.newInputStream(caFile)) {
                    certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("--cacert " + caFile + ": no PEM certificate in it");
                }
                int i = 0;
                for (java.security.cert.Certificate c : certs) {
                    store.setCertificateEntry("ca" + i++, c);
                }
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new TrustRecorder(x, insecure);
                }
            }
            throw new IllegalStateException("the JDK has no X509ExtendedTrustManager");
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("--cacert " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same trust, never refusing: for connections whose outcome does not matter (warm-ups). */
    TrustRecorder insecureTwin() {
        return new TrustRecorder(pkix, true);
    }

    void begin() {
        called = false;
        chain = new X509Certificate[0];
        protocol = null;
        cipher = null;
        refused = null;
    }

    /** Whether the server sent a certificate in this handshake: false for a resumption. */
    boolean called() {
        return called;
    }

    List<X509Certificate> chain() {
        return List.of(chain);
    }

    String protocol() {
        return protocol;
    }

    String cipher() {
        return cipher;
    }

    /** Why the chain was refused, or null. */
    String refused() {
        return refused;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        record(certs, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
        try {
            pkix.checkServerTrusted(certs, authType, socket);
        } catch (CertificateException e) {
            refuse(certs, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        record(certs, engine == null ? null : engine.getHandshakeSession());
        try {
            pkix.checkServerTrusted(certs, authType, engine);
            // QUIC's engine (BoringSSL under quiche) takes no endpoint identification: check the name here
            String host = engine == null ? null : engine.getPeerHost();
            SSLParameters p = engine == null ? null : engine.getSSLParameters();
            if (host != null && (p == null || p.getEndpointIdentificationAlgorithm() == null) && !names(certs[0], host)) {
                throw new CertificateException("the certificate does not name " + host + " (it names "
                        + String.join(", ", TlsClient.names(certs[0])) + ")");
            }
        } catch (CertificateException e) {
            refuse(certs, e);
        }
    }

    /** RFC 6125 §6.4: an exact name or address, or a wildcard standing for the whole leftmost label. */
    static boolean names(X509Certificate leaf, String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        for (String n : TlsClient.names(leaf)) {
            String name = n.toLowerCase(java.util.Locale.ROOT);
            if (name.equals(h)) {
                return true;
            }
            if (Target.isAddress(h)) {
                if (Target.isAddress(name) && sameAddress(name, h)) {
                    return true;
                }
                continue;
            }
            int dot = h.indexOf('.');
            if (name.startsWith("*.") && dot > 0 && name.substring(1).equals(h.substring(dot)) && name.indexOf('.', 2) > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        record(certs, null);
        try {
            pkix.checkServerTrusted(certs, authType);
        } catch (CertificateException e) {
            refuse(certs, e);
        }
    }

    private void record(X509Certificate[] certs, SSLSession handshake) {
        called = true;
        chain = Arrays.copyOf(certs, certs.length);
        if (handshake != null) {
            protocol = handshake.getProtocol();
            cipher = handshake.getCipherSuite();
        }
    }

    private void refuse(X509Certificate[] certs, CertificateException e) throws CertificateException {
        refused = reason(certs, e, Instant.now());
        if (!insecure) {
            throw e;
        }
    }

    /** A short reason: expiry is named plainly, the rest is the innermost message without class names. */
    static String reason(X509Certificate[] certs, Throwable e, Instant now) {
        for (X509Certificate c : certs) {
            if (c.getNotAfter().toInstant().isBefore(now)) {
                return (c == certs[0] ? "the certificate" : c.getSubjectX500Principal().getName()) + " expired at "
                        + c.getNotAfter().toInstant();
            }
            if (c.getNotBefore().toInstant().isAfter(now)) {
                return (c == certs[0] ? "the certificate" : c.getSubjectX500Principal().getName()) + " is not valid before "
                        + c.getNotBefore().toInstant();
            }
        }
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                messages.add(t.getMessage());
            }
        }
        String m = messages.isEmpty() ? e.getClass().getSimpleName() : messages.getLast();
        if (m.contains("unable to find valid certification path")) {
            return "issued by " + (certs.length == 0 ? "an unknown CA" : "'" + certs[certs.length - 1].getIssuerX500Principal().getName()
                    + "'") + ", which is not a trusted CA (give it with --cacert, or --insecure)";
        }
        return m.replaceAll("(?:[a-z]+\\.)+[A-Z][A-Za-z]*Exception: ", "");
    }

    /** Two address literals, which need no lookup, compared as addresses ({@code ::1} is {@code 0:0:0:0:0:0:0:1}). */
    private static boolean sameAddress(String a, String b) {
        try {
            return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check clients");
    }
}
