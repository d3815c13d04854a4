package dev.shortr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shortr visits}: raw visits from a running server's API. */
@Command(name = "visits", description = "Raw visits (the visit log) from a server, over its REST API.")
final class VisitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: export");
    }

    @Command(name = "export", description = "Write the visits of one link (or, with an admin key, of every link) as CSV or NDJSON.")
    int export(@Mixin ClientOptions client,
               @Parameters(arity = "0..1", paramLabel = "CODE", description = "The short code; without it, every link.") String code,
               @Option(names = "--from", paramLabel = "DAY", description = "First day (server default: 29 days before --to).") String from,
               @Option(names = "--to", paramLabel = "DAY", description = "Last day (server default: today).") String to,
               @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of the days (default UTC).") String tz,
               @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "csv", description = "csv (default) or ndjson.") String format,
               @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.") Path output) {
        if (!format.equals("csv") && !format.equals("ndjson")) {
            throw new ParameterException(spec.commandLine(), "--format must be csv or ndjson, got '" + format + "'");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", from);
        params.put("to", to);
        params.put("tz", tz);
        params.put("format", format);
        String path = (code == null ? "/api/v1/visits" : ApiClient.path(LinksCommand.LINKS, code, "/visits")) + ApiClient.query(params);
        try (ApiClient api = client.api()) {
            String body = api.get(path).body();
            if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(body);
                out.flush();
            } else {
                try {
                    Files.writeString(output, body, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new Failure(1, "cannot write " + output + ": " + e.getMessage());
                }
                spec.commandLine().getErr().println("wrote " + body.lines().count() + " lines to " + output);
            }
        }
        return 0;
    }
}
