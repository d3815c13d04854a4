package dev.shortr.probe;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * JSSE handshakes on sockets the probe connected and timed itself. One context, so one client session cache: a
 * second handshake to the same host and port offers the first one's session, as a returning browser would.
 */
final class TlsClient {
    private final SSLContext context;
    private final TrustRecorder trust;

    TlsClient(TrustRecorder trust) {
        this.trust = trust;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    TrustRecorder trust() {
        return trust;
    }

    /** A finished handshake: {@code resumed} when the server sent no certificate. */
    record Handshake(SSLSocket socket, Duration took, boolean resumed) {}

    /** Runs the handshake on {@code tcp}, offering {@code alpn}; the socket is closed when it fails. */
    Handshake handshake(Socket tcp, Target t, List<String> alpn) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(tcp, t.host(), t.port(), true);
        try {
            SSLParameters p = s.getSSLParameters();
            if (!t.hostIsAddress()) {
                try {
                    p.setServerNames(List.of(new SNIHostName(t.host())));
                } catch (IllegalArgumentException e) {
                    // not a name SNI can carry (an underscore, say): the handshake goes without, as curl's does
                }
            }
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setApplicationProtocols(alpn.toArray(String[]::new));
            s.setSSLParameters(p);
            trust.begin();
            long start = System.nanoTime();
            s.startHandshake();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Handshake(s, took, !trust.called());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** What the handshake settled, with the chain the server sent in it. */
    Measurement.Tls describe(Handshake h, List<String> offered, Measurement.Resumption resumption) {
        SSLSession session = h.socket().getSession();
        String alpn = h.socket().getApplicationProtocol();
        return new Measurement.Tls(session.getProtocol(), session.getCipherSuite(), offered, alpn == null || alpn.isEmpty() ? null : alpn,
                chain(trust.chain()), trust.refused(), h.took(), resumption);
    }

    /** What is known of a handshake that failed: the chain and protocol when the server got as far as sending them. */
    Measurement.Tls describeFailed(List<String> offered) {
        if (!trust.called()) {
            return null;
        }
        return new Measurement.Tls(trust.protocol() == null ? "?" : trust.protocol(), trust.cipher(), offered, null, chain(trust.chain()),
                trust.refused(), null, null);
    }

    static List<Measurement.Certificate> chain(List<X509Certificate> certs) {
        List<Measurement.Certificate> out = new ArrayList<>();
        for (X509Certificate c : certs) {
            out.add(new Measurement.Certificate(c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                    c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), names(c)));
        }
        return out;
    }

    /** The DNS names and IP addresses in the subject alternative names. */
    static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress (RFC 5280 §4.2.1.6)
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a malformed extension: report the certificate without names
        }
        return out;
    }
}
