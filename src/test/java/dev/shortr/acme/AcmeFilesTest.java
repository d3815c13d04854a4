package dev.shortr.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-directory layout: private modes, whole files, and what a later check reads back. */
class AcmeFilesTest {
    private static final String LE = "https://acme-v02.api.letsencrypt.org/directory";

    @TempDir
    Path data;

    @Test
    void theAccountKeyIsMadeOnceKeptPrivateAndReadBack() throws Exception {
        AcmeFiles files = new AcmeFiles(data, "sho.rt");
        KeyPair made = files.accountKeyPair();
        assertThat(mode(data.resolve("acme"))).isEqualTo("rwx------");
        assertThat(mode(files.accountKey())).isEqualTo("rw-------");
        KeyPair again = new AcmeFiles(data, "sho.rt").accountKeyPair();
        assertThat(again.getPublic()).isEqualTo(made.getPublic());
        assertThat(again.getPrivate()).isEqualTo(made.getPrivate());
    }

    @Test
    void aDamagedAccountKeyIsNeverReplaced() throws Exception {
        AcmeFiles files = new AcmeFiles(data, "sho.rt");
        files.accountKeyPair();
        Files.writeString(files.accountKey(), "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(files::accountKeyPair).isInstanceOf(IOException.class).hasMessageContaining("fix or remove it");
        assertThat(Files.readString(files.accountKey())).contains("garbage");
    }

    @Test
    void aSavedCertificateIsAPemPairTheTlsListenerCanLoadAndAHeldCertificateForTheNextCheck() throws Exception {
        AcmeFiles files = new AcmeFiles(data, "sho.rt");
        assertThat(files.held()).as("nothing yet").isNull();
        KeyPair key = AcmeFiles.newKeyPair();
        Instant notAfter = Instant.parse("2030-01-01T00:00:00Z");
        X509Certificate leaf = selfSigned(key, notAfter, "sho.rt", "Go.Sho.rt");
        files.save(List.of(leaf, leaf), key, LE);

        assertThat(files.entry()).isEqualTo(data.resolve("acme/sho.rt/chain.pem") + ":" + data.resolve("acme/sho.rt/key.pem"));
        assertThat(mode(data.resolve("acme/sho.rt"))).isEqualTo("rwx------");
        assertThat(mode(files.key())).isEqualTo("rw-------");
        assertThat(mode(files.chain())).isEqualTo("rw-------");
        try (var left = Files.list(data.resolve("acme/sho.rt"))) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList()).as("no temporary file left behind")
                    .containsExactly("chain.pem", "directory.txt", "key.pem");
        }
        assertThat(AcmeFiles.certificates(Files.readAllBytes(files.chain()))).containsExactly(leaf, leaf);
        String keyPem = Files.readString(files.key());
        assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        byte[] der = Base64.getMimeDecoder().decode(keyPem.replaceAll("-----[A-Z ]+-----", ""));
        assertThat(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der))).isEqualTo(key.getPrivate());

        Renewal.Held held = files.held();
        assertThat(held.notAfter()).isEqualTo(notAfter);
        assertThat(held.names()).containsExactly("sho.rt", "go.sho.rt");
        assertThat(held.directory()).isEqualTo(LE);
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAnErrorSoTheNextCheckOrdersAgain() throws Exception {
        // a crash after the new key.pem was renamed into place and before the new chain.pem was
        AcmeFiles files = new AcmeFiles(data, "sho.rt");
        KeyPair old = AcmeFiles.newKeyPair();
        files.save(List.of(selfSigned(old, Instant.parse("2030-01-01T00:00:00Z"), "sho.rt")), old, LE);
        String oldChain = Files.readString(files.chain());
        KeyPair next = AcmeFiles.newKeyPair();
        files.save(List.of(selfSigned(next, Instant.parse("2030-02-01T00:00:00Z"), "sho.rt")), next, LE);
        Files.writeString(files.chain(), oldChain);
        assertThatThrownBy(files::held).isInstanceOf(IOException.class).hasMessageContaining("does not belong to the certificate");
        Files.delete(files.key());
        assertThatThrownBy(files::held).isInstanceOf(IOException.class);
    }

    @Test
    void aCertificateFileThatIsNotPemIsAnErrorNotAMissingCertificate() throws Exception {
        AcmeFiles files = new AcmeFiles(data, "sho.rt");
        Files.createDirectories(files.chain().getParent());
        Files.writeString(files.chain(), "not a certificate");
        assertThatThrownBy(files::held).isInstanceOf(IOException.class);
    }

    private static X509Certificate selfSigned(KeyPair key, Instant notAfter, String... names) throws Exception {
        X500Name name = new X500Name("CN=" + names[0]);
        GeneralName[] sans = java.util.Arrays.stream(names).map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(notAfter.minus(Duration.ofDays(90))), Date.from(notAfter), name, key.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
