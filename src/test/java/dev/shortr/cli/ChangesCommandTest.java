package dev.shortr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code shortr changes} against a stand-in API; following a real node is in {@code dev.shortr.it.ChangesCliIT}. */
class ChangesCommandTest {
    private static final String CREATED = "{\"seq\":4,\"kind\":\"created\",\"code\":\"abc123\",\"at\":\"2026-11-24T07:40:00.120Z\","
            + "\"link\":{\"id\":1,\"code\":\"abc123\",\"seq\":4,\"url\":\"https://example.com/a\",\"redirect\":302,\"disabled\":false}}";
    private static final String GONE = "{\"seq\":5,\"kind\":\"updated\",\"code\":\"def456\",\"at\":\"2026-11-24T07:40:01Z\",\"link\":null}";
    private static final String DELETED = "{\"seq\":6,\"kind\":\"deleted\",\"code\":\"def456\",\"at\":\"2026-11-24T07:40:02Z\"}";

    private FakeApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private record Result(int exit, String out, String err) {}

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Cli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of("SHORTR_SERVER", api.url(), "SHORTR_KEY", "sk_edge"));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void printsOneLinePerChangePageByPageUntilCaughtUp() {
        api.answer("GET /api/v1/changes?after=3&limit=2&wait=0", 200, "{\"changes\":[" + CREATED + "," + GONE + "],\"next\":5,\"last\":6}");
        api.answer("GET /api/v1/changes?after=5&limit=2&wait=0", 200, "{\"changes\":[" + DELETED + "],\"next\":6,\"last\":6}");

        Result r = run("changes", "--after", "3", "--limit", "2");

        assertThat(r).isEqualTo(new Result(0, """
                4 2026-11-24T07:40:00.120Z created abc123 302 https://example.com/a
                5 2026-11-24T07:40:01Z updated def456 (deleted since)
                6 2026-11-24T07:40:02Z deleted def456
                """, ""));
        assertThat(api.seen).extracting(FakeApi.Seen::authorization).containsOnly("Bearer sk_edge");
    }

    @Test
    void jsonIsOneChangePerLineAsTheServerSentIt() {
        api.answer("GET /api/v1/changes?after=0&limit=500&wait=0", 200, "{\"changes\":[" + DELETED + "],\"next\":6,\"last\":6}");

        Result r = run("changes", "--json");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(DELETED + "\n");
    }

    @Test
    void anEmptyFeedPrintsNothing() {
        api.answer("GET /api/v1/changes?after=0&limit=500&wait=0", 200, "{\"changes\":[],\"next\":0,\"last\":0}");

        assertThat(run("changes")).isEqualTo(new Result(0, "", ""));
    }

    @Test
    void aCompactedFeedIsOneLineAndExitOne() {
        api.problem("GET /api/v1/changes?after=3&limit=500&wait=0", 410, "{\"title\":\"Changes compacted\",\"status\":410,"
                + "\"detail\":\"the changes after seq 3 are no longer kept\"}");

        Result r = run("changes", "--after", "3");

        assertThat(r).isEqualTo(new Result(1, "", "shortr: Changes compacted: the changes after seq 3 are no longer kept (HTTP 410)\n"));
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(run("changes", "--after", "-1").err()).isEqualTo("shortr: --after must be 0 or more, got -1 (see 'shortr changes --help')\n");
        assertThat(run("changes", "--limit", "0").exit()).isEqualTo(2);
        assertThat(run("changes", "--after", "x").exit()).isEqualTo(2);
        assertThat(api.seen).isEmpty();
    }
}
