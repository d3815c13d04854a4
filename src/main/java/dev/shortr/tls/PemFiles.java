package dev.shortr.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads a certificate chain and its private key from PEM files, in any of the usual key encodings (PKCS#8,
 * PKCS#1 {@code RSA PRIVATE KEY}, SEC 1 {@code EC PRIVATE KEY}), and checks that they belong together.
 */
final class PemFiles {
    private static final JcaX509CertificateConverter CERTS = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private PemFiles() {}

    /**
     * Loads {@code entry}: {@code CHAIN.pem:KEY.pem}, or one file holding both.
     *
     * @throws IOException with a message fit for the log, naming the file and what is wrong with it
     */
    static Credential load(String entry) throws IOException {
        String[] parts = entry.split(":", 2);
        Path chainFile = Path.of(parts[0].strip());
        Path keyFile = parts.length == 2 ? Path.of(parts[1].strip()) : chainFile;
        List<X509Certificate> chain = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        read(chainFile, chain, keys);
        if (!keyFile.equals(chainFile)) {
            List<X509Certificate> none = new ArrayList<>();
            read(keyFile, none, keys);
        }
        if (chain.isEmpty()) {
            throw new IOException(chainFile + ": no CERTIFICATE in it");
        }
        if (keys.size() != 1) {
            throw new IOException(keyFile + ": expected one private key, found " + keys.size());
        }
        PrivateKey key = keys.getFirst();
        X509Certificate leaf = chain.getFirst();
        Credential.Type type = switch (leaf.getPublicKey().getAlgorithm()) {
            case "RSA" -> Credential.Type.RSA;
            case "EC" -> Credential.Type.EC;
            default -> throw new IOException(chainFile + ": a " + leaf.getPublicKey().getAlgorithm()
                    + " certificate; only RSA and ECDSA certificates are served");
        };
        if (!matches(key, leaf, type)) {
            throw new IOException(keyFile + ": the private key does not belong to the first certificate of " + chainFile);
        }
        List<Path> files = keyFile.equals(chainFile) ? List.of(chainFile) : List.of(chainFile, keyFile);
        return new Credential(chain, key, type, names(leaf, chainFile), files, ocspUrl(leaf));
    }

    private static void read(Path file, List<X509Certificate> certs, List<PrivateKey> keys) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                switch (o) {
                    case X509CertificateHolder h -> certs.add(CERTS.getCertificate(h));
                    // a SEC 1 key may leave its public half out, which getKeyPair cannot take
                    case PEMKeyPair kp -> keys.add(KEYS.getPrivateKey(kp.getPrivateKeyInfo()));
                    case PrivateKeyInfo info -> keys.add(KEYS.getPrivateKey(info));
                    case PEMEncryptedKeyPair e -> throw new IOException(file + ": the key is encrypted; give it unencrypted "
                            + "(readable by shortr's user only)");
                    case PKCS8EncryptedPrivateKeyInfo e -> throw new IOException(file + ": the key is encrypted; give it "
                            + "unencrypted (readable by shortr's user only)");
                    case ASN1ObjectIdentifier curve -> { } // "EC PARAMETERS" before an EC key: the key names its curve too
                    default -> throw new IOException(file + ": unexpected PEM object " + o.getClass().getSimpleName());
                }
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": a certificate cannot be read: " + e.getMessage(), e);
        } catch (IOException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new IOException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) { // BouncyCastle reports malformed base64 or DER this way
            throw new IOException(file + ": not valid PEM: " + e.getMessage(), e);
        }
    }

    /** Signs a nonce with the key and checks it with the certificate's public key. */
    private static boolean matches(PrivateKey key, X509Certificate leaf, Credential.Type type) {
        try {
            String alg = type == Credential.Type.RSA ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(nonce);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(leaf.getPublicKey());
            v.update(nonce);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Set<String> names(X509Certificate leaf, Path file) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try {
            X509CertificateHolder h = new X509CertificateHolder(leaf.getEncoded());
            GeneralNames san = GeneralNames.fromExtensions(h.getExtensions(), Extension.subjectAlternativeName);
            if (san != null) {
                for (GeneralName n : san.getNames()) {
                    if (n.getTagNo() == GeneralName.dNSName) {
                        names.add(n.getName().toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (names.isEmpty()) {
                for (RDN cn : h.getSubject().getRDNs(BCStyle.CN)) {
                    names.add(IETFUtils.valueToString(cn.getFirst().getValue()).toLowerCase(Locale.ROOT));
                }
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return names;
    }

    private static String ocspUrl(X509Certificate leaf) throws IOException {
        try {
            X509CertificateHolder h = new X509CertificateHolder(leaf.getEncoded());
            AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(h.getExtensions());
            if (aia == null) {
                return null;
            }
            for (AccessDescription d : aia.getAccessDescriptions()) {
                if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    return d.getAccessLocation().getName().toString();
                }
            }
            return null;
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
