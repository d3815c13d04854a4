package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shortr.app.DnsRole;
import dev.shortr.dns.DnsServer;
import dev.shortr.enrich.GeoLookup;
import dev.shortr.metrics.Metrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;

/**
 * The DNS role picks up an edited zone file by itself (it polls every 2 s): the new answers come over UDP
 * without a restart, a broken edit leaves the old zone answering with its problems under
 * {@code reloadProblems} in {@code GET /api/v1/dns/pools}, and fixing it clears them.
 */
class DnsReloadIT {
    /** The role's poll interval, plus room for a loaded machine. */
    private static final Duration RELOAD = Duration.ofSeconds(2).plusSeconds(4);

    @TempDir
    Path dir;

    private Instant mtime = Instant.parse("2026-01-01T00:00:00Z");

    private static String zone(String mail, String extra) {
        return """
                origin: sho.rt
                nameservers: [ns1.sho.rt.]
                records:
                  - "ns1 A 192.0.2.53"
                  - "mail A %s"
                %s
                """.formatted(mail, extra);
    }

    /** Replaces the file at once, a second newer each time (file times may be as coarse as that). */
    private void write(Path file, String text) throws IOException {
        mtime = mtime.plusSeconds(1);
        Path next = dir.resolve("next.yaml");
        Files.writeString(next, text);
        Files.setLastModifiedTime(next, FileTime.from(mtime));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(String what, Callable<Boolean> done) throws Exception {
        long deadline = System.nanoTime() + RELOAD.toNanos();
        while (!done.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + RELOAD.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    @Test
    void anEditedZoneIsServedWithoutARestartAndABrokenOneIsReported() throws Exception {
        Path file = dir.resolve("zone.yaml");
        write(file, zone("192.0.2.25", ""));
        HttpClient http = HttpClient.newHttpClient();
        try (DnsRole role = DnsRole.start(file, new DnsServer.Settings("127.0.0.1", 0, 1, 64), GeoLookup.none());
             Metrics metrics = new Metrics()) {
            role.register(metrics);
            int statusPort = role.statusListener("127.0.0.1", 0, metrics);
            Callable<List<String>> mail = () -> RawDns.answers(RawDns.udp(role.port(), RawDns.query("mail.sho.rt.", Type.A), 1000));
            Callable<JsonNode> problems = () -> new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + statusPort + "/api/v1/dns/pools")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .path("reloadProblems");
            assertThat(mail.call()).containsExactly("192.0.2.25");

            write(file, zone("192.0.2.26", ""));
            await("the edited address", () -> mail.call().equals(List.of("192.0.2.26")));

            write(file, zone("192.0.2.27", "pools: {web: {sites: []}}"));
            await("the problem reported", () -> !problems.call().isEmpty());
            assertThat(problems.call()).extracting(JsonNode::asText).containsExactly("pools.web.sites: is required: a list of at least one site");
            assertThat(mail.call()).as("the zone loaded before").containsExactly("192.0.2.26");

            write(file, zone("192.0.2.27", ""));
            await("the fixed file served", () -> mail.call().equals(List.of("192.0.2.27")));
            assertThat(problems.call()).isEmpty();
        }
    }
}
