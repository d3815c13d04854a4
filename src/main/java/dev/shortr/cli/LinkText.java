package dev.shortr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** How links and their statistics read on a terminal. The input is the API's JSON, as documented. */
final class LinkText {
    private LinkText() {}

    /** {@code abc1234  https://sho.rt/abc1234 -> https://example.com/ (302)} */
    static String line(JsonNode l) {
        return text(l, "code") + "  " + text(l, "shortUrl") + " -> " + text(l, "url") + " (" + text(l, "redirect") + ")"
                + (l.path("disabled").asBoolean() ? " [disabled]" : "");
    }

    /** Every field, one per line, nothing cut short. */
    static void details(JsonNode l, PrintWriter out) {
        field(out, "code", text(l, "code"));
        field(out, "short url", text(l, "shortUrl"));
        field(out, "url", text(l, "url"));
        field(out, "redirect", text(l, "redirect"));
        field(out, "cache", l.hasNonNull("cacheSeconds") ? text(l, "cacheSeconds") + "s" : "server default");
        field(out, "forward query", yesNo(l, "forwardQuery"));
        field(out, "expires", or(l, "expiresAt", "never"));
        field(out, "max clicks", or(l, "maxClicks", "no limit"));
        field(out, "tags", tags(l));
        field(out, "title", or(l, "title", "-"));
        field(out, "disabled", yesNo(l, "disabled"));
        field(out, "created", text(l, "createdAt"));
        field(out, "updated", text(l, "updatedAt"));
    }

    private static void field(PrintWriter out, String name, String value) {
        out.printf("%-14s %s%n", name, value);
    }

    static Table table(Iterable<JsonNode> links) {
        Table t = new Table("CODE", "REDIRECT", "URL", "TAGS", "EXPIRES", "CREATED");
        for (JsonNode l : links) {
            t.row(text(l, "code") + (l.path("disabled").asBoolean() ? " (disabled)" : ""), text(l, "redirect"),
                    text(l, "url"), tags(l), or(l, "expiresAt", "-"), text(l, "createdAt"));
        }
        return t;
    }

    static void stats(JsonNode s, PrintWriter out) {
        String range = s.hasNonNull("from") ? " (" + text(s, "from") + " to " + text(s, "to") + ")" : "";
        out.println(text(s, "code") + ": " + text(s, "clicks") + " clicks" + range);
        Table t = new Table("DAY", "CLICKS");
        s.path("daily").forEach(d -> t.row(text(d, "day"), text(d, "clicks")));
        if (!t.isEmpty()) {
            t.print(out);
        }
    }

    private static String tags(JsonNode l) {
        List<String> tags = new ArrayList<>();
        l.path("tags").forEach(t -> tags.add(t.asText()));
        return tags.isEmpty() ? "-" : String.join(",", tags);
    }

    private static String yesNo(JsonNode l, String field) {
        return l.path(field).asBoolean() ? "yes" : "no";
    }

    private static String or(JsonNode l, String field, String absent) {
        return l.hasNonNull(field) ? text(l, field) : absent;
    }

    private static String text(JsonNode n, String field) {
        return Table.clean(n.path(field).asText(""));
    }
}
