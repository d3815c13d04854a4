package dev.shortr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code shortr changes}: the change feed of a running server, one change per line, oldest first. Without
 * {@code --follow} it stops once it has caught up with the feed; with it, it long-polls for more until stopped.
 */
@Command(name = "changes", description = {"Print the change feed of a server (every link created, updated or deleted), one change per line.",
        "Lines read: SEQ TIME KIND CODE [REDIRECT URL]. Needs a key with the replication (or admin) scope."})
final class ChangesCommand implements Callable<Integer> {
    static final String CHANGES = "/api/v1/changes";
    /** Seconds each long poll waits: under the client's request timeout. */
    static final int FOLLOW_WAIT = 25;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--after", paramLabel = "SEQ", defaultValue = "0", description = "Start after this seq (default 0: the whole feed).")
    long after;

    @Option(names = "--follow", description = "Keep waiting for new changes and print them as they come, until stopped.")
    boolean follow;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "500", description = "Changes per request, 1..1000 (default 500).")
    int limit;

    @Override
    public Integer call() {
        if (after < 0) {
            throw new ParameterException(spec.commandLine(), "--after must be 0 or more, got " + after);
        }
        if (limit < 1 || limit > 1000) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 1000, got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        long cursor = after;
        int wait = 0;
        try (ApiClient api = client.api()) {
            while (true) {
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("after", cursor);
                params.put("limit", limit);
                params.put("wait", wait);
                JsonNode page = api.get(CHANGES + ApiClient.query(params)).json();
                print(page.path("changes"), out);
                long next = page.path("next").asLong(cursor);
                if (next < cursor) {
                    throw Failure.of("the server moved the cursor back from " + cursor + " to " + next + "; stopping");
                }
                cursor = next;
                if (next < page.path("last").asLong(next)) {
                    wait = 0; // more is there already
                } else if (follow) {
                    wait = FOLLOW_WAIT; // caught up: wait for the next change rather than ask again at once
                } else {
                    return 0;
                }
            }
        }
    }

    private void print(JsonNode changes, PrintWriter out) {
        for (JsonNode c : changes) {
            out.println(client.json ? c.toString() : line(c));
        }
        out.flush();
    }

    /** {@code 41 2026-11-24T07:40:00.120Z created x7Kp2aB 302 https://example.com/b}. */
    static String line(JsonNode c) {
        StringBuilder b = new StringBuilder()
                .append(c.path("seq").asLong()).append(' ')
                .append(Table.clean(c.path("at").asText())).append(' ')
                .append(Table.clean(c.path("kind").asText())).append(' ')
                .append(Table.clean(c.path("code").asText()));
        JsonNode link = c.path("link");
        if (link.isObject()) {
            b.append(' ').append(link.path("redirect").asInt()).append(' ').append(Table.clean(link.path("url").asText()));
            if (link.path("disabled").asBoolean()) {
                b.append(" (disabled)");
            }
        } else if (link.isNull()) {
            b.append(" (deleted since)");
        }
        return b.toString();
    }
}
