package dev.shortr.probe;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.probe.Measurement.Timing;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** A visit and its findings as people read them (a waterfall of the layers, the details, the findings), or as JSON. */
public final class Report {
    /** The headers shown in the text; the JSON has them all. */
    static final List<String> SHOWN = List.of("location", "cache-control", "cdn-cache-control", "surrogate-control", "expires", "age",
            "vary", "alt-svc", "strict-transport-security", "server-timing", "server", "via", "x-cache");
    private static final int BAR = 40;
    /** Durations as milliseconds (a number), instants as ISO-8601 text. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule()
                    .addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
                        @Override
                        public void serialize(Duration d, JsonGenerator gen, SerializerProvider provider) throws IOException {
                            gen.writeNumber(millis(d));
                        }
                    })
                    .addSerializer(Instant.class, ToStringSerializer.instance));

    private Report() {}

    public static String text(Measurement m, List<Finding> findings) {
        StringBuilder out = new StringBuilder();
        out.append("shortr probe ").append(m.target().url());
        if (m.protocol() != null) {
            out.append(" (").append(m.protocol()).append(m.connect() == null ? "" : " at " + m.connect().address()).append(')');
        }
        out.append("\n\n");
        if (!m.timings().isEmpty()) {
            waterfall(m.timings(), out);
            out.append('\n');
        }
        details(m, out);
        if (m.failed() != null) {
            out.append(out.toString().endsWith("\n\n") ? "" : "\n").append("FAILED at ").append(m.failed().layer()).append(": ")
                    .append(m.failed().message()).append('\n');
        }
        out.append("\nFindings\n");
        if (findings.isEmpty()) {
            out.append("  none\n");
        }
        for (Finding f : findings) {
            out.append(String.format(Locale.ROOT, "  %-8s %-5s %s%n  %-14s -> %s%n", f.severity(), f.layer(), f.message(), "", f.advice()));
        }
        return out.toString();
    }

    /** One line per layer: its time, a bar from where the previous layer ended, and the running total. */
    private static void waterfall(List<Timing> timings, StringBuilder out) {
        long total = timings.stream().mapToLong(t -> t.took().toNanos()).sum();
        long before = 0;
        for (Timing t : timings) {
            long n = t.took().toNanos();
            int from = total == 0 ? 0 : (int) Math.round((double) before * BAR / total);
            int to = total == 0 ? 0 : (int) Math.round((double) (before + n) * BAR / total);
            before += n;
            out.append(String.format(Locale.ROOT, "  %-5s %9s  |%s%s%s|  %9s%n", t.layer(), ms(t.took()), " ".repeat(from),
                    "#".repeat(Math.max(1, to - from)), " ".repeat(Math.max(0, BAR - Math.max(to, from + 1))), ms(Duration.ofNanos(before))));
        }
    }

    private static void details(Measurement m, StringBuilder out) {
        Measurement.Dns d = m.dns();
        if (d != null) {
            if (d.skipped() != null) {
                out.append("DNS   not looked up: ").append(d.skipped()).append('\n');
            } else {
                out.append("DNS   asked ").append(d.server()).append(d.authoritative() ? " (an authoritative answer)" : " (a resolver's answer)")
                        .append('\n');
                d.records().forEach(r -> out.append(String.format(Locale.ROOT, "        %s %d %s %s%n", r.name(), r.ttl(), r.type(), r.data())));
                if (d.httpsAlpn() == null) {
                    out.append("        no HTTPS record\n");
                }
                d.problems().forEach(p -> out.append("        problem: ").append(p).append('\n'));
            }
        }
        if (m.connect() != null) {
            out.append(String.format("%-6sconnected to %s%n", m.connect().layer(), m.connect().address()));
        }
        Measurement.Tls t = m.tls();
        if (t != null) {
            out.append("TLS   ").append(t.protocol()).append(", ").append(t.cipher() == null ? "?" : t.cipher()).append(", ALPN ").append(t.alpn() == null ? "none" : t.alpn())
                    .append(" (offered ").append(String.join(", ", t.offered())).append(")\n");
            for (int i = 0; i < t.chain().size(); i++) {
                Measurement.Certificate c = t.chain().get(i);
                out.append(i == 0 ? "        certificate " : "        then        ").append(c.subject())
                        .append(c.names().isEmpty() ? "" : " (" + String.join(", ", c.names()) + ")").append('\n')
                        .append("                    issued by ").append(c.issuer()).append(", expires ").append(c.notAfter())
                        .append(" (").append(left(m.at(), c.notAfter())).append(")\n");
            }
            out.append("        trusted     ").append(t.untrusted() == null ? "yes" : "NO: " + t.untrusted()).append('\n');
            Measurement.Resumption r = t.resumption();
            if (r != null) {
                out.append("        resumption  ").append(r.error() != null ? "the second connection failed: " + r.error()
                        : (r.resumed() ? "resumed" : "NOT resumed (a full handshake)") + " on a second connection, in " + ms(r.took())
                        + first(m)).append('\n');
            }
        }
        Measurement.Http h = m.http();
        if (h != null) {
            out.append("HTTP  ").append(h.version()).append(' ').append(h.status()).append(", first byte ").append(ms(h.took()))
                    .append(" after the request\n");
            for (String name : SHOWN) {
                String v = h.joined(name);
                if (v != null) {
                    out.append("        ").append(name).append(": ").append(v).append('\n');
                }
            }
        }
    }

    /** The first handshake's time, to compare the resumed one with: under QUIC it is the whole connect. */
    private static String first(Measurement m) {
        Duration d = m.tls().took() != null ? m.tls().took() : m.connect() == null ? null : m.connect().took();
        return d == null ? "" : " (the first: " + ms(d) + ")";
    }

    public static String json(Measurement m, List<Finding> findings) {
        ObjectNode root = JSON.createObjectNode();
        root.put("url", m.target().url().toString());
        root.put("protocol", m.protocol());
        root.put("at", m.at().toString());
        root.put("ok", m.ok());
        if (m.failed() != null) {
            root.putObject("failed").put("layer", m.failed().layer().name()).put("message", m.failed().message());
        } else {
            root.putNull("failed");
        }
        ObjectNode timings = root.putObject("timingsMs");
        double total = 0;
        for (Timing t : m.timings()) {
            timings.put(t.layer().name().toLowerCase(Locale.ROOT), millis(t.took()));
            total += millis(t.took());
        }
        timings.put("total", Math.round(total * 1000) / 1000.0);
        root.set("dns", m.dns() == null ? null : JSON.valueToTree(m.dns()));
        root.set("connect", m.connect() == null ? null : JSON.valueToTree(m.connect()));
        root.set("tls", m.tls() == null ? null : JSON.valueToTree(m.tls()));
        root.set("http", m.http() == null ? null : JSON.valueToTree(m.http()));
        ArrayNode f = root.putArray("findings");
        findings.forEach(x -> f.addObject().put("layer", x.layer().name()).put("severity", x.severity().name().toLowerCase(Locale.ROOT))
                .put("id", x.id()).put("message", x.message()).put("advice", x.advice()));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String left(Instant now, Instant notAfter) {
        Duration d = Duration.between(now, notAfter);
        return d.isNegative() ? "EXPIRED " + Diagnosis.span(d.negated()) + " ago" : "in " + Diagnosis.span(d);
    }

    static double millis(Duration d) {
        return Math.round(d.toNanos() / 1000.0) / 1000.0;
    }

    static String ms(Duration d) {
        return d == null ? "-" : Diagnosis.ms(d);
    }
}
