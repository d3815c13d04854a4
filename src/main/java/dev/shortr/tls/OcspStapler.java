package dev.shortr.tls;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches OCSP responses (RFC 6960) for certificates that name a responder, checks them, and staples them
 * (RFC 6066 §8): clients then learn that the certificate is not revoked without asking the CA themselves, which
 * saves them a round trip to a third party and tells it nothing about who visits. Runs on the TLS
 * housekeeping thread, never during a handshake.
 */
final class OcspStapler {
    private static final Logger log = LoggerFactory.getLogger(OcspStapler.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Without a nextUpdate the responder promises nothing; ask again this often. */
    private static final Duration NO_NEXT_UPDATE = Duration.ofHours(1);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    private static final Duration LAST_RETRY = Duration.ofMinutes(10);
    private static final long MAX_RESPONSE_BYTES = 64 << 10;
    /** How far a responder's clock may be ahead of ours. */
    private static final long SKEW_MILLIS = 5 * 60_000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** When to fetch again, and whether this fetch failed. */
    record Next(Duration after, boolean failed) {}

    /**
     * Fetches and staples a fresh response for {@code c}, and says when to fetch again: halfway to the
     * response's nextUpdate, or sooner after a failure (10 s, doubling up to 10 min). A failure keeps the
     * current staple until its own nextUpdate.
     *
     * @param failuresInARow failures since the last success, for the retry delay
     */
    Next refresh(Credential c, int failuresInARow) {
        try {
            long until = staple(c);
            fetched.incrementAndGet();
            long now = System.currentTimeMillis();
            return new Next(until == Long.MAX_VALUE ? NO_NEXT_UPDATE : Duration.ofMillis(Math.max(60_000, (until - now) / 2)),
                    false);
        } catch (IOException | OCSPException | OperatorCreationException | CertificateEncodingException e) {
            failures.incrementAndGet();
            Duration retry = FIRST_RETRY.multipliedBy(1L << Math.min(10, failuresInARow));
            retry = retry.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry;
            log.warn("OCSP: no fresh response for the {} from {}: {}; {}, retrying in {} s", c.describe(), c.ocspUrl(),
                    e.getMessage(), c.staple() == null ? "handshakes carry no staple" : "the previous staple is served",
                    retry.toSeconds());
            return new Next(retry, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Next(LAST_RETRY, true);
        }
    }

    /** Fetches, checks and staples; returns the response's nextUpdate in epoch ms, or Long.MAX_VALUE if it has none. */
    private long staple(Credential c) throws IOException, OCSPException, OperatorCreationException,
            CertificateEncodingException, InterruptedException {
        X509Certificate issuer = c.issuer();
        if (issuer == null) {
            throw new IOException("the PEM file has no issuer certificate after the leaf, which an OCSP request needs");
        }
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), c.leaf().getSerialNumber());
        byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
        HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(c.ocspUrl())).timeout(TIMEOUT)
                .header("content-type", "application/ocsp-request")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IOException("the responder answered HTTP " + answer.statusCode());
        }
        if (answer.body().length > MAX_RESPONSE_BYTES) {
            throw new IOException("the response is larger than 64 KiB");
        }
        OCSPResp resp = new OCSPResp(answer.body());
        if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
            throw new IOException("the responder refused: OCSP status " + resp.getStatus());
        }
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        boolean signed;
        try {
            signed = basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signer(basic, issuer)));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("the responder certificate cannot be read: " + e.getMessage(), e);
        }
        if (!signed) {
            throw new IOException("the response's signature does not verify");
        }
        SingleResp single = null;
        for (SingleResp r : basic.getResponses()) {
            if (r.getCertID().equals(id)) {
                single = r;
            }
        }
        if (single == null) {
            throw new IOException("the response is not about this certificate");
        }
        long now = System.currentTimeMillis();
        Date next = single.getNextUpdate();
        if (single.getThisUpdate().getTime() > now + SKEW_MILLIS || (next != null && next.getTime() <= now)) {
            throw new IOException("the response is not current (thisUpdate " + single.getThisUpdate().toInstant()
                    + ", nextUpdate " + (next == null ? "none" : next.toInstant()) + ")");
        }
        CertificateStatus status = single.getCertStatus();
        if (status != CertificateStatus.GOOD && !(status instanceof RevokedStatus)) {
            throw new IOException("the responder does not know this certificate (status unknown)");
        }
        long until = next == null ? Long.MAX_VALUE : next.getTime();
        c.staple(resp.getEncoded(), until);
        if (status instanceof RevokedStatus revoked) {
            // stapled all the same: a client should learn it from us rather than trust a revoked certificate
            log.error("OCSP: the {} is REVOKED (since {}); replace it", c.describe(), revoked.getRevocationTime().toInstant());
        }
        return until;
    }

    /**
     * Whose key signed the response: the issuer itself, or a responder certificate in the response that the
     * issuer signed for OCSP signing (RFC 6960 §4.2.2.2).
     */
    private static X509CertificateHolder signer(BasicOCSPResp basic, X509Certificate issuer)
            throws IOException, OperatorCreationException, CertificateEncodingException {
        JcaX509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
        for (X509CertificateHolder responder : basic.getCerts()) {
            if (responder.equals(issuerHolder)) {
                return issuerHolder;
            }
            ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(responder.getExtensions());
            try {
                if (eku != null && eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)
                        && responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.getPublicKey()))) {
                    return responder;
                }
            } catch (org.bouncycastle.cert.CertException e) {
                throw new IOException("the responder certificate cannot be checked: " + e.getMessage(), e);
            }
        }
        return issuerHolder;
    }

    long fetched() {
        return fetched.get();
    }

    long failures() {
        return failures.get();
    }
}
