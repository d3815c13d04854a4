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
        field(out, "cdn cache", l.hasNonNull("cdnSeconds") ? text(l, "cdnSeconds") + "s" : "server default");
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
        JsonNode totals = s.path("totals");
        if (totals.isObject()) {
            out.println("in range: " + text(totals, "clicks") + " clicks, " + text(totals, "humans") + " humans, "
                    + text(totals, "bots") + " bots, " + text(totals, "uniques") + " unique visitors, " + text(totals, "heads")
                    + " HEAD requests" + (s.hasNonNull("tz") ? " (" + text(s, "tz") + ")" : ""));
        }
        if (s.path("series").isArray() && !s.path("series").isEmpty()) {
            out.println();
            bars(out, s.path("series"), "start", "clicks", 10);
        } else {
            Table t = new Table("DAY", "CLICKS");
            s.path("daily").forEach(d -> t.row(text(d, "day"), text(d, "clicks")));
            if (!t.isEmpty()) {
                t.print(out);
            }
        }
        JsonNode top = s.path("top");
        for (String list : new String[] {"referrers", "countries", "browsers", "os", "devices", "bots"}) {
            if (top.path(list).isArray() && !top.path(list).isEmpty()) {
                out.println();
                out.println("top " + list);
                bars(out, top.path(list), "value", "clicks", 0);
            }
        }
    }

    private static final int BAR_WIDTH = 40;

    /** One line per row: its label, a bar scaled to the largest value, and the value. */
    private static void bars(PrintWriter out, JsonNode rows, String labelField, String valueField, int labelCut) {
        long max = 1;
        int width = 0;
        for (JsonNode r : rows) {
            max = Math.max(max, r.path(valueField).asLong());
            width = Math.max(width, label(r, labelField, labelCut).length());
        }
        for (JsonNode r : rows) {
            long v = r.path(valueField).asLong();
            int n = (int) Math.round((double) v * BAR_WIDTH / max);
            String label = label(r, labelField, labelCut);
            out.println(label + " ".repeat(width - label.length() + 2) + "#".repeat(n) + " ".repeat(BAR_WIDTH - n + 1) + v);
        }
    }

    private static String label(JsonNode r, String field, int cut) {
        String s = text(r, field);
        return cut > 0 && s.length() > cut ? s.substring(0, cut) : s.length() > 40 ? s.substring(0, 39) + "…" : s;
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
