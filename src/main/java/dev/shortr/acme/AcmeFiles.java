package dev.shortr.acme;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where ACME's account and certificate live in the data directory, and how they are written:
 * {@code acme/account.key}, and per certificate {@code acme/<first domain>/chain.pem}, {@code key.pem} and
 * {@code directory.txt} (the CA it came from). Directories are mode 700 and files 600; each file is written to a
 * temporary file, flushed to disk and moved into place, so a reader (the TLS reload) sees the old file or the new
 * one, never half of one, and a crash leaves no truncated key.
 */
final class AcmeFiles {
    private final Path root;
    private final Path dir;

    AcmeFiles(Path dataDir, String firstDomain) {
        this.root = dataDir.resolve("acme");
        this.dir = root.resolve(firstDomain);
    }

    Path accountKey() {
        return root.resolve("account.key");
    }

    Path chain() {
        return dir.resolve("chain.pem");
    }

    Path key() {
        return dir.resolve("key.pem");
    }

    private Path directory() {
        return dir.resolve("directory.txt");
    }

    /** The certificate entry for the TLS listener: {@code chain.pem:key.pem}. */
    String entry() {
        return chain() + ":" + key();
    }

    /** The account's key pair, made (EC P-256) and saved on first use; the account is found again by it. */
    KeyPair accountKeyPair() throws IOException {
        String text;
        try {
            text = Files.readString(accountKey(), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            KeyPair pair = newKeyPair();
            write(accountKey(), pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return pair;
        }
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(block(text, "PUBLIC KEY"))),
                    ec.generatePrivate(new PKCS8EncodedKeySpec(block(text, "PRIVATE KEY"))));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // never replaced: a new key would be a new account, and the old one's orders would be lost to us
            throw new IOException(accountKey() + " cannot be read (" + e.getMessage() + "); fix or remove it", e);
        }
    }

    /** The certificate on disk, or null when there is none. */
    Renewal.Held held() throws IOException {
        List<X509Certificate> chain;
        try {
            chain = certificates(Files.readAllBytes(chain()));
        } catch (NoSuchFileException e) {
            return null;
        }
        if (chain.isEmpty()) {
            throw new IOException(chain() + ": no certificate in it");
        }
        X509Certificate leaf = chain.getFirst();
        if (!keyMatches(leaf)) {
            // a crash between writing the new key and the new chain: order again rather than serve neither
            throw new IOException(key() + " does not belong to the certificate in " + chain());
        }
        String from;
        try {
            from = Files.readString(directory(), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            from = "an unknown directory";
        }
        return new Renewal.Held(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), dnsNames(leaf), from);
    }

    /** True when key.pem holds the private key of {@code leaf}: it signs what the leaf's public key verifies. */
    private boolean keyMatches(X509Certificate leaf) throws IOException {
        try {
            byte[] der = block(Files.readString(key(), StandardCharsets.US_ASCII), "PRIVATE KEY");
            PrivateKey key = KeyFactory.getInstance(leaf.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(leaf.getPublicKey());
            verify.update(probe);
            return verify.verify(sign.sign());
        } catch (NoSuchFileException e) {
            return false;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(key() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Saves a new certificate: the key first, then the chain, then where it came from. The TLS listener waits
     * for the files to stay unchanged for one poll before it reads them, so it reads the pair together.
     */
    void save(List<X509Certificate> chain, KeyPair key, String fromDirectory) throws IOException {
        write(key(), pem("PRIVATE KEY", key.getPrivate().getEncoded()));
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                pem.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IOException("the CA's certificate cannot be encoded: " + e.getMessage(), e);
            }
        }
        write(chain(), pem.toString());
        write(directory(), fromDirectory + "\n");
    }

    /**
     * A new EC P-256 key pair from the JDK's provider (acme4j's own helper wants BouncyCastle registered as a
     * JCA provider, which shortr does not do: it would change what every JCA lookup in the process finds).
     */
    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
        }
    }

    /** One PEM block (RFC 7468): PKCS#8 for private keys, SubjectPublicKeyInfo for public ones. */
    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] block(String text, String label) {
        int start = text.indexOf("-----BEGIN " + label + "-----");
        int end = text.indexOf("-----END " + label + "-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no " + label + " in it");
        }
        return Base64.getMimeDecoder().decode(text.substring(start + label.length() + 16, end));
    }

    static List<X509Certificate> certificates(byte[] pem) throws IOException {
        try {
            Collection<? extends java.security.cert.Certificate> all =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : all) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException("not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    /** The leaf's DNS subjectAltNames, lower case. */
    static Set<String> dnsNames(X509Certificate leaf) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try {
            Collection<List<?>> san = leaf.getSubjectAlternativeNames();
            if (san != null) {
                for (List<?> entry : san) {
                    if (entry.get(0) instanceof Integer type && type == 2) { // dNSName (RFC 5280 §4.2.1.6)
                        names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw new IOException("the certificate's subjectAltName cannot be read: " + e.getMessage(), e);
        }
        return names;
    }

    /** Writes {@code text} to {@code file} through a flushed temporary file and an atomic move; mode 600. */
    private void write(Path file, String text) throws IOException {
        Path parent = file.getParent();
        privateDirectory(root);
        privateDirectory(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try {
            readableByUsAlone(tmp, "rw-------");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            readableByUsAlone(dir, "rwx------");
        }
    }

    private static void readableByUsAlone(Path p, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own rules apply
        }
    }
}
