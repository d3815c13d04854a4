package dev.shortr.it;

import static dev.shortr.it.TestNode.parse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.app.Stores;
import dev.shortr.cli.Cli;
import dev.shortr.config.StoreConfig;
import dev.shortr.migrate.StoreFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shortr migrate} from the command line: a node's data directory copied, served again, and a copy killed midway. */
class MigrateIT {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Run(exit, out.toString(), err.toString());
    }

    /** What a client reads of a node: links, the feed, stats and visits. Clicks nothing. */
    static Map<String, String> data(TestNode n, List<String> codes) {
        Map<String, String> seen = new LinkedHashMap<>();
        JsonNode links = parse(n.admin("GET", "/api/v1/links?limit=1000", null).body());
        links.get("items").forEach(l -> ((ObjectNode) l).remove("shortUrl")); // carries the node's port
        seen.put("links", links.toString());
        seen.put("changes", n.admin("GET", "/api/v1/changes?after=0&limit=1000&wait=0", null).body());
        seen.put("visits", n.admin("GET", "/api/v1/visits?format=ndjson", null).body());
        seen.put("stats", n.admin("GET", "/api/v1/stats", null).body());
        for (String code : codes) {
            seen.put("stats " + code, n.admin("GET", "/api/v1/links/" + code + "/stats", null).body());
        }
        return seen;
    }

    /** How every code answers (each answer is a click). */
    static Map<String, String> redirects(TestNode n, List<String> codes) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String code : codes) {
            HttpResponse<String> r = n.get("/" + code);
            seen.put("/" + code, r.statusCode() + " " + r.headers().firstValue("location").orElse(""));
        }
        return seen;
    }

    static void assertSame(Map<String, String> after, Map<String, String> before) {
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((what, seen) -> assertThat(after.get(what)).as(what).isEqualTo(seen));
    }

    /** A node's data directory with a bit of everything, and what a client read of it before the copy. */
    record Original(String adminKey, String edgeKey, List<String> codes, Map<String, String> data, Map<String, String> answers) {}

    /** Fills {@code a} through a node's API (links made, edited, deleted and clicked), then reads it back after a restart. */
    static Original original(Path a) throws InterruptedException {
        List<String> codes = new ArrayList<>();
        String adminKey;
        String edgeKey;
        Map<String, String> answers;
        try (TestNode original = TestNode.start(a)) {
            adminKey = original.adminKey();
            edgeKey = original.mintKey("edge", "replication");
            for (int i = 0; i < 12; i++) {
                String code = "mig" + i;
                original.createLink(code, "https://example.com/m/" + i, i % 3 == 0 ? "\"redirect\": 301, \"tags\": [\"x\"]" : null);
                codes.add(code);
            }
            original.admin("PATCH", "/api/v1/links/mig1", "{\"url\": \"https://example.com/changed\"}");
            original.admin("DELETE", "/api/v1/links/mig2", null);
            original.admin("PATCH", "/api/v1/links/mig4", "{\"disabled\": true}");
            for (int i = 0; i < 12; i += 2) {
                for (int k = 0; k <= i % 5; k++) {
                    original.get("/mig" + i, "User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                            "Referer", "https://news.example/a" + k);
                }
            }
            awaitCounted(original, "mig0", 1);
            awaitCounted(original, "mig8", 4);
            answers = redirects(original, codes);
        }
        try (TestNode restarted = TestNode.start(TestNode.config(a), adminKey)) { // every click flushed by the stop
            return new Original(adminKey, edgeKey, codes, data(restarted, codes), answers);
        }
    }

    /** A node on the copy answers as the original did, keys included, and its feed carries on from the copy's. */
    static void assertServes(TestNode copy, Original o) {
        assertSame(data(copy, o.codes()), o.data());
        assertSame(redirects(copy, o.codes()), o.answers());
        assertThat(copy.get("/mig2").statusCode()).as("a deleted code is still gone, not unknown").isEqualTo(410);
        assertThat(copy.api("GET", "/api/v1/changes?after=0&wait=0", o.edgeKey(), null).statusCode()).isEqualTo(200);
        long last = parse(o.data().get("changes")).get("last").asLong();
        copy.createLink("after1", "https://example.com/after", null);
        JsonNode next = parse(copy.admin("GET", "/api/v1/changes?after=" + last + "&wait=0", null).body());
        assertThat(next.get("changes")).extracting(c -> c.get("seq").asLong()).containsExactly(last + 1);
    }

    @Test
    void aNodeOnTheCopyServesWhatTheOriginalDid() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Original o = original(a);

        Run run = cli("migrate", "--from", "sqlite:" + a, "--to", "sqlite:" + b, "--batch", "3");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines().skip(1).toList()).hasSize(6).allSatisfy(l -> assertThat(l).endsWith("ok"));
        assertThat(run.err()).startsWith("copied 2 keys, 11 links");
        try (TestNode copy = TestNode.start(TestNode.config(b), o.adminKey())) {
            assertServes(copy, o);
        }
    }

    static void awaitCounted(TestNode n, String code, long clicks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            JsonNode stats = parse(n.admin("GET", "/api/v1/links/" + code + "/stats", null).body());
            if (stats.path("clicks").asLong() >= clicks && stats.path("totals").path("clicks").asLong() >= clicks) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(code + " never showed " + clicks + " clicks");
    }

    @Test
    void aCopyKilledMidwayIsFinishedByRunningItAgain() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (Stores s = Stores.open(new StoreConfig("sqlite", a, 2, 512))) {
            StoreFixture.populate(s, 1500);
        }
        Path stderr = dir.resolve("child.err");
        Process child = shortr(stderr, "migrate", "--from", "sqlite:" + a, "--to", "sqlite:" + b, "--batch", "1");
        try {
            long copied = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (copied < 50 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                copied = links(b.resolve("shortr.db"));
            }
            assertThat(child.isAlive()).as("still copying after %d links; stderr: %s", copied, Files.readString(stderr)).isTrue();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).isEqualTo(128 + 9);

        Run half = cli("migrate", "--from", "sqlite:" + a, "--to", "sqlite:" + b, "--verify-only");
        assertThat(half.exit()).as("the killed copy is incomplete").isEqualTo(1);
        assertThat(half.err()).contains("verification failed: ").contains("links (");

        Run rest = cli("migrate", "--from", "sqlite:" + a, "--to", "sqlite:" + b);

        assertThat(rest.exit()).as(rest.err()).isZero();
        assertThat(rest.err()).contains("links: resuming after ");
        assertThat(rest.out()).doesNotContain("DIFFERS");
        assertThat(cli("migrate", "--from", "sqlite:" + a, "--to", "sqlite:" + b, "--verify-only").exit()).isZero();
    }

    /** {@code shortr args...} in a process of its own, its standard error to {@code stderr}. */
    static Process shortr(Path stderr, String... args) throws java.io.IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, "dev.shortr.app.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    }

    /** Links in a SQLite file being written by another process; 0 while it has no schema yet. */
    private static long links(Path db) {
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM links")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    @Test
    void badStoresAreUsageErrors() {
        assertThat(cli("migrate", "--from", "sqlite:" + dir.resolve("none"), "--to", "sqlite:" + dir.resolve("b")).err())
                .isEqualTo("shortr: --from: there is no shortr.db in " + dir.resolve("none") + " (see 'shortr migrate --help')\n");
        assertThat(cli("migrate", "--from", "mysql://x", "--to", "sqlite:" + dir).exit()).isEqualTo(2);
        try (Stores s = Stores.open(new StoreConfig("sqlite", dir.resolve("x"), 2, 512))) {
            assertThat(s.links().count()).isZero();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(cli("migrate", "--from", "sqlite:" + dir.resolve("x"), "--to", "sqlite:" + dir.resolve("x/.")).err())
                .startsWith("shortr: --from and --to are the same store");
        assertThat(cli("migrate", "--to", "sqlite:" + dir).exit()).isEqualTo(2);
    }
}
