package dev.shortr.it;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority, made with BouncyCastle: an ECDSA root, and leaf certificates (ECDSA P-256 or
 * RSA 2048) for given names, written as PEM chains and keys, optionally naming an OCSP responder. Named fixtures:
 * {@code a.test}, {@code b.test}.
 */
final class TestPki {
    /** A leaf as written: its chain (leaf then CA) and key files, and its serial. */
    record Leaf(Path chain, Path key, BigInteger serial, String subject) {
        /** The {@code tls.certificates} entry. */
        String entry() {
            return chain + ":" + key;
        }
    }

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;
    private final Path caFile;
    private final Path caKeyFile;

    TestPki(Path dir) {
        try {
            this.dir = Files.createDirectories(dir);
            caKeys = keys("EC");
            X500Name name = new X500Name("CN=shortr test CA");
            Instant now = Instant.now();
            X509CertificateHolder h = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
            ca = new JcaX509CertificateConverter().getCertificate(h);
            caFile = dir.resolve("ca.pem");
            caKeyFile = dir.resolve("ca-key.pem");
            Files.writeString(caFile, pem(ca));
            Files.writeString(caKeyFile, pem(new JcaPKCS8Generator(caKeys.getPrivate(), null)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    Path caFile() {
        return caFile;
    }

    Path caKeyFile() {
        return caKeyFile;
    }

    X509Certificate ca() {
        return ca;
    }

    /**
     * A leaf for {@code names} (the first is its CN) with an {@code EC} or {@code RSA} key, written as
     * {@code <file>.pem} (leaf and CA) and {@code <file>-key.pem}.
     *
     * @param ocspUrl the responder to name in Authority Information Access, or null
     */
    Leaf leaf(String file, String keyType, String ocspUrl, String... names) {
        Instant now = Instant.now();
        return leaf(file, keyType, ocspUrl, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(10)), names);
    }

    /** As {@link #leaf(String, String, String, String...)}, valid from {@code notBefore} to {@code notAfter} (past ones too). */
    Leaf leaf(String file, String keyType, String ocspUrl, Instant notBefore, Instant notAfter, String... names) {
        try {
            KeyPair kp = keys(keyType);
            BigInteger serial = serial();
            List<GeneralName> sans = new ArrayList<>();
            for (String n : names) {
                sans.add(new GeneralName(n.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, n));
            }
            org.bouncycastle.cert.X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=shortr test CA"), serial,
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + names[0] + ", O=" + keyType), kp.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            if (ocspUrl != null) {
                b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
            }
            X509CertificateHolder h = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(h);
            Path chain = dir.resolve(file + ".pem");
            Path key = dir.resolve(file + "-key.pem");
            replace(key, pem(new JcaPKCS8Generator(kp.getPrivate(), null)));
            replace(chain, pem(cert) + pem(ca));
            return new Leaf(chain, key, serial, "CN=" + names[0] + ", O=" + keyType);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a leaf for " + String.join(",", names), e);
        }
    }

    /** The line {@code openssl ocsp -index} wants for a good certificate. */
    static String indexLine(Leaf leaf) {
        String expiry = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now().plus(Duration.ofDays(10)));
        return "V\t" + expiry + "\t\t" + leaf.serial().toString(16).toUpperCase() + "\tunknown\t/" + leaf.subject()
                .replace(", ", "/") + "\n";
    }

    /** A client context that trusts this CA only. */
    SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code text} beside {@code file} and moves it over, as a certificate tool would. */
    static void replace(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair keys(String type) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(type);
        if (type.equals("EC")) {
            g.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
