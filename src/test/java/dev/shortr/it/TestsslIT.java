package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh (Debian's package) against the HTTPS listener serving an ECDSA and an RSA certificate: no SSLv2,
 * SSLv3, TLS 1.0 or 1.1; no NULL, export, low, 3DES or CBC ciphers, only AEAD; none of its vulnerability checks
 * flagged; resumption by ticket and by session ID. Its report and JSON stay in {@code target/testssl/}. It takes
 * 30-60 s, hence the tag.
 */
@Tag("slow")
class TestsslIT {
    private static final Path REPORTS = Path.of("target", "testssl");
    /** Every check --vulnerable runs; each must come out OK or INFO. */
    private static final List<String> VULNERABILITIES = List.of("heartbleed", "CCS", "ticketbleed", "ROBOT", "secure_renego",
            "secure_client_renego", "CRIME_TLS", "BREACH", "POODLE_SSL", "fallback_SCSV", "SWEET32", "FREAK", "DROWN", "LOGJAM",
            "BEAST", "LUCKY13", "RC4");

    @Test
    void testsslFindsNoOldProtocolNoWeakCipherAndNoVulnerability(@TempDir Path dir) throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"));
        TestPki.Leaf ec = pki.leaf("a-ec", "EC", null, "a.test", "127.0.0.1");
        TestPki.Leaf rsa = pki.leaf("a-rsa", "RSA", null, "a.test", "127.0.0.1");
        Files.createDirectories(REPORTS);
        Path json = REPORTS.resolve("testssl.json");
        Path report = REPORTS.resolve("testssl.txt");
        Files.deleteIfExists(json);
        try (TestNode node = TestNode.start(dir.resolve("data"), TestNode.tls(List.of(ec.entry(), rsa.entry()), t -> t))) {
            Process p = new ProcessBuilder("testssl", "--quiet", "--color", "0", "--warnings", "batch", "--add-ca",
                    pki.caFile().toString(), "--protocols", "--std", "--vulnerable", "--server-defaults",
                    "--jsonfile", json.toString(), "127.0.0.1:" + node.tlsPort())
                    .redirectErrorStream(true).redirectOutput(report.toFile()).start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("testssl.sh finishes within 5 minutes").isTrue();
            assertThat(json).as("testssl.sh wrote its JSON; its output: %s", Files.readString(report, StandardCharsets.UTF_8))
                    .isRegularFile();
        }
        Map<String, JsonNode> found = new HashMap<>();
        for (JsonNode e : TestNode.JSON.readTree(json.toFile())) {
            found.putIfAbsent(e.get("id").asText(), e);
        }
        String context = "see " + report.toAbsolutePath();

        for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
            assertThat(finding(found, old)).as("%s (%s)", old, context).startsWith("not offered");
        }
        assertThat(finding(found, "TLS1_2")).as(context).startsWith("offered");
        assertThat(finding(found, "TLS1_3")).as(context).startsWith("offered");
        for (String weak : List.of("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
                "cipherlist_3DES_IDEA", "cipherlist_AVERAGE")) {
            assertThat(finding(found, weak)).as("%s (%s)", weak, context).isEqualTo("not offered");
        }
        assertThat(finding(found, "cipherlist_STRONG")).as("AEAD ciphers").isEqualTo("offered");
        for (String check : VULNERABILITIES) {
            assertThat(found).as("testssl.sh ran %s (%s)", check, context).containsKey(check);
            assertThat(found.get(check).get("severity").asText()).as("%s: %s (%s)", check, finding(found, check), context)
                    .isIn("OK", "INFO");
        }
        assertThat(finding(found, "sessionresumption_ticket")).as("resumption by session ticket").isEqualTo("supported");
        assertThat(finding(found, "sessionresumption_ID")).as("resumption by session ID").isEqualTo("supported");
        // with two certificates testssl.sh reports each apart, as "<id> <cert#N>"
        assertThat(found.keySet().stream().filter(id -> id.startsWith("cert_keySize <cert#")).map(id -> finding(found, id)))
                .as("an ECDSA and an RSA certificate, side by side (%s)", context)
                .anyMatch(f -> f.startsWith("EC 256")).anyMatch(f -> f.startsWith("RSA 2048"));
        assertThat(found.keySet().stream().filter(id -> id.startsWith("cert_chain_of_trust <cert#")).map(id -> finding(found, id)))
                .as("both chain to the test CA (%s)", context).hasSize(2).allMatch(f -> f.startsWith("passed"));
    }

    private static String finding(Map<String, JsonNode> found, String id) {
        JsonNode e = found.get(id);
        assertThat(e).as("testssl.sh reported %s", id).isNotNull();
        return e.get("finding").asText();
    }
}
