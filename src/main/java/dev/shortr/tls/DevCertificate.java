package dev.shortr.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed certificate a node serves when TLS is on and no certificate is configured: ECDSA P-256 for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}, kept in the data directory and reused across restarts
 * (so a browser exception or a {@code --cacert} made once keeps working) until 30 days before it expires.
 */
final class DevCertificate {
    private static final Logger log = LoggerFactory.getLogger(DevCertificate.class);
    static final String CERT = "dev-cert.pem";
    static final String KEY = "dev-key.pem";
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private DevCertificate() {}

    /** The certificate entry ({@code cert:key}) in {@code dir}, made first if missing or about to expire. */
    static String ensure(Path dir) throws IOException {
        Path cert = dir.resolve(CERT);
        Path key = dir.resolve(KEY);
        boolean made = false;
        if (!usable(cert, key)) {
            make(dir, cert, key);
            made = true;
        }
        log.warn("""

                ********************************************************************************
                WARNING: TLS is on with a SELF-SIGNED DEVELOPMENT CERTIFICATE ({}).
                It is for localhost only: no browser or client trusts it, and it proves nothing.
                Configure real certificates with tls.certificates (SHORTR_TLS_CERTIFICATES),
                or have them issued over ACME (tls.acme.*, see docs/tls.md).
                Certificate: {}
                ********************************************************************************""",
                made ? "made now" : "reused", cert.toAbsolutePath());
        return cert + ":" + key;
    }

    private static boolean usable(Path cert, Path key) {
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            return false;
        }
        try {
            Credential c = PemFiles.load(cert + ":" + key);
            return c.leaf().getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
        } catch (IOException e) {
            log.warn("TLS: the development certificate in {} cannot be used ({}); making a new one", cert.getParent(),
                    e.getMessage());
            return false;
        }
    }

    private static void make(Path dir, Path cert, Path key) throws IOException {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=localhost, O=shortr development certificate");
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            GeneralNames san = new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, new DEROctetString(InetAddress.getByName("127.0.0.1").getAddress())),
                    new GeneralName(GeneralName.iPAddress, new DEROctetString(InetAddress.getByName("::1").getAddress()))});
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, san)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            // the key first, readable by us alone, then the certificate: a crash in between leaves no usable pair
            write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
            write(cert, pem(holder), false);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a development certificate: " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private static void write(Path file, String text, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: its own rules apply
                }
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
