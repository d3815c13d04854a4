package dev.shortr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shortr links}: a client of {@code /api/v1/links} on a running server. */
@Command(name = "links", description = "Create, list, read, change and delete links on a server, and draw their QR codes, over its REST API.",
        subcommands = {CreateLinkCommand.class, UpdateLinkCommand.class})
final class LinksCommand implements Callable<Integer> {
    static final String LINKS = "/api/v1/links";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: create, list, get, update, delete, stats or qr");
    }

    @Command(name = "list", description = "List links, newest first, a page at a time (or --all of them).")
    int list(@Mixin ClientOptions client,
             @Option(names = "--tag", paramLabel = "TAG", description = "Only links with this tag.") String tag,
             @Option(names = "--q", paramLabel = "TEXT", description = "Only links whose URL, code or title contains TEXT.") String q,
             @Option(names = "--from", paramLabel = "TIME", description = "Created at or after: 2026-01-31 or an RFC 3339 time.") String from,
             @Option(names = "--to", paramLabel = "TIME", description = "Created at or before: 2026-01-31 or an RFC 3339 time.") String to,
             @Option(names = "--limit", paramLabel = "N", description = "Links per page, 1..1000 (server default 50).") Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue where a previous page ended.") String cursor,
             @Option(names = "--all", description = "Follow every page to the end.") boolean all) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("tag", tag);
        params.put("q", q);
        params.put("from", from);
        params.put("to", to);
        params.put("limit", limit);
        ArrayNode items = ApiClient.JSON.createArrayNode();
        Set<String> seen = new HashSet<>();
        String next = cursor;
        try (ApiClient api = client.api()) {
            do {
                params.put("cursor", next);
                ApiClient.Response r = api.get(LINKS + ApiClient.query(params));
                if (client.json && !all) {
                    out().println(r.body());
                    return 0;
                }
                JsonNode page = r.json();
                page.path("items").forEach(items::add);
                next = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
                if (next != null && !seen.add(next)) {
                    throw Failure.of("the server returned the cursor '" + Table.clean(next) + "' twice; stopping");
                }
            } while (all && next != null);
        }
        if (client.json) {
            ObjectNode whole = ApiClient.JSON.createObjectNode();
            whole.set("items", items);
            whole.putNull("nextCursor");
            out().println(whole);
        } else if (items.isEmpty()) {
            err().println("no links");
        } else {
            LinkText.table(items).print(out());
        }
        if (next != null && !client.json) {
            err().println("more links: add --cursor " + Table.clean(next) + " (or --all)");
        }
        return 0;
    }

    @Command(name = "get", description = "Show one link.")
    int get(@Mixin ClientOptions client, @Parameters(paramLabel = "CODE", description = "The short code.") String code) {
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.get(ApiClient.path(LINKS, code, ""));
            if (client.json) {
                out().println(r.body());
            } else {
                LinkText.details(r.json(), out());
            }
        }
        return 0;
    }

    @Command(name = "delete", description = "Delete a link; its code answers 404 from then on.")
    int delete(@Mixin ClientOptions client, @Parameters(paramLabel = "CODE", description = "The short code.") String code) {
        try (ApiClient api = client.api()) {
            api.delete(ApiClient.path(LINKS, code, ""));
        }
        if (!client.json) {
            out().println("deleted " + Table.clean(code));
        }
        return 0;
    }

    @Command(name = "stats", description = "Clicks of a link: totals, humans and bots, uniques, a chart over time and the top referrers, countries, browsers, systems and devices.")
    int stats(@Mixin ClientOptions client, @Parameters(paramLabel = "CODE", description = "The short code.") String code,
              @Option(names = "--from", paramLabel = "DAY", description = "First day, such as 2026-01-01 (server default: 29 days before --to).") String from,
              @Option(names = "--to", paramLabel = "DAY", description = "Last day (server default: today).") String to,
              @Option(names = "--tz", paramLabel = "ZONE", description = "Time zone of the days, such as Europe/Paris (default UTC).") String tz,
              @Option(names = "--granularity", paramLabel = "STEP", description = "hour, day or month.") String granularity,
              @Option(names = "--top", paramLabel = "N", description = "Length of each top list (server default 10).") Integer top) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", from);
        params.put("to", to);
        params.put("tz", tz);
        params.put("granularity", granularity);
        params.put("top", top);
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.get(ApiClient.path(LINKS, code, "/stats") + ApiClient.query(params));
            if (client.json) {
                out().println(r.body());
            } else {
                LinkText.stats(r.json(), out());
            }
        }
        return 0;
    }

    @Command(name = "qr", description = "Save a link's short URL as a QR code: an SVG, or a PNG to print.")
    int qr(@Mixin ClientOptions client, @Parameters(paramLabel = "CODE", description = "The short code.") String code,
           @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Write the image to FILE.") Path file,
           @Option(names = "--format", paramLabel = "FORMAT", description = "svg or png (default: png when FILE ends in .png, else svg).") String format,
           @Option(names = "--size", paramLabel = "PIXELS", description = "Width and height, 64..2048 (server default 256).") Integer size,
           @Option(names = "--margin", paramLabel = "MODULES", description = "White modules around the code, 0..16 (server default 4).") Integer margin,
           @Option(names = "--ecc", paramLabel = "LEVEL", description = "Error correction L, M, Q or H (server default M).") String ecc) {
        String f = format != null ? format
                : file.toString().toLowerCase(Locale.ROOT).endsWith(".png") ? "png" : "svg";
        if (!f.equals("svg") && !f.equals("png")) {
            throw new ParameterException(spec.subcommands().get("qr"), "--format must be svg or png, got '" + format + "'");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("format", f);
        params.put("size", size);
        params.put("margin", margin);
        params.put("ecc", ecc);
        byte[] image;
        try (ApiClient api = client.api()) {
            image = api.download(ApiClient.path(LINKS, code, "/qr") + ApiClient.query(params),
                    (f.equals("png") ? "image/png" : "image/svg+xml") + ", application/problem+json");
        }
        try {
            Files.write(file, image);
        } catch (IOException e) {
            throw new Failure(1, "cannot write " + file + ": " + e.getMessage());
        }
        err().println("wrote " + file + " (" + f.toUpperCase(Locale.ROOT) + ", " + image.length + " bytes)");
        return 0;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
