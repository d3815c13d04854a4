package dev.shortr.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shortr.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code shortr changes} against a real node: reading to the end, and following as links change. */
class ChangesCliIT {
    static TestNode node;
    @RegisterExtension
    static final PerClassNode shared = new PerClassNode(n -> node = n);

    private static Map<String, String> env(String key) {
        return Map.of("SHORTR_SERVER", node.baseUrl(), "SHORTR_KEY", key);
    }

    @Test
    void readsTheFeedToTheEndWithAReplicationKey() {
        String edge = node.mintKey("cli-edge", "replication");
        node.createLink("cli001", "https://example.com/cli1", null);
        node.createLink("cli002", "https://example.com/cli2", "\"redirect\": 308");
        node.admin("DELETE", "/api/v1/links/cli001", null);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Cli.run(new String[] {"changes", "--after", "0", "--limit", "1"}, new PrintWriter(out), new PrintWriter(err), env(edge));

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString().lines().toList())
                .anySatisfy(l -> assertThat(l).matches("\\d+ \\S+Z created cli001 \\(deleted since\\)"))
                .anySatisfy(l -> assertThat(l).matches("\\d+ \\S+Z created cli002 308 https://example.com/cli2"))
                .anySatisfy(l -> assertThat(l).matches("\\d+ \\S+Z deleted cli001"));
    }

    @Test
    void followPrintsChangesAsTheyAreMade() throws Exception {
        long last = TestNode.parse(node.admin("GET", "/api/v1/changes?after=0&wait=0", null).body()).get("last").asLong();
        StringWriter out = new StringWriter(); // synchronised: the follower writes while the test reads
        Thread follower = Thread.ofPlatform().start(() -> Cli.run(new String[] {"changes", "--after", Long.toString(last), "--follow"},
                new PrintWriter(out), new PrintWriter(new StringWriter()), env(node.adminKey())));
        try {
            Thread.sleep(500);
            assertThat(out.toString()).isEmpty();
            node.createLink("fol001", "https://example.com/follow", null);
            awaitLine(out, " created fol001 302 https://example.com/follow");
            node.admin("PATCH", "/api/v1/links/fol001", "{\"disabled\": true}");
            awaitLine(out, " updated fol001 302 https://example.com/follow (disabled)");
            assertThat(out.toString().lines()).hasSize(2);
            assertThat(follower.isAlive()).isTrue();
        } finally {
            follower.interrupt();
            follower.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(follower.isAlive()).as("--follow ends when interrupted").isFalse();
    }

    private static void awaitLine(StringWriter out, String ending) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (out.toString().lines().noneMatch(l -> l.endsWith(ending)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(out.toString().lines().toList()).anySatisfy(l -> assertThat(l).endsWith(ending));
    }
}
