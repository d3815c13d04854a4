package dev.shortr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.analytics.Visit;
import java.time.Instant;

/** One visit as a CSV row (RFC 4180 quoting, formula characters neutralised) or an NDJSON line. */
final class VisitFormat {
    static final String CSV_HEADER = "time,link_id,code,ip,country,region,city,referrer_host,referrer,browser,os,device,bot,head,tracked\r\n";

    private VisitFormat() {}

    static String csv(Visit v, String code) {
        StringBuilder b = new StringBuilder(128);
        b.append(Instant.ofEpochMilli(v.atMs())).append(',').append(v.linkId()).append(',');
        for (String f : new String[] {code, v.ip(), v.country(), v.region(), v.city(), v.referrerHost(), v.referrer(), v.browser(),
                v.os(), v.device(), v.bot()}) {
            b.append(cell(f)).append(',');
        }
        return b.append(v.head()).append(',').append(v.tracked()).append("\r\n").toString();
    }

    /** Quoted when needed; a leading = + - @ gets a ' so a spreadsheet never runs a referrer as a formula. */
    private static String cell(String s) {
        if (s == null) {
            return "";
        }
        String t = !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        if (t.indexOf(',') >= 0 || t.indexOf('"') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
            return '"' + t.replace("\"", "\"\"") + '"';
        }
        return t;
    }

    static String ndjson(Visit v, String code) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("time", Instant.ofEpochMilli(v.atMs()).toString()).put("linkId", v.linkId());
        if (code != null) {
            o.put("code", code);
        }
        o.put("ip", v.ip()).put("country", v.country()).put("region", v.region()).put("city", v.city())
                .put("referrerHost", v.referrerHost()).put("referrer", v.referrer()).put("browser", v.browser())
                .put("os", v.os()).put("device", v.device()).put("bot", v.bot()).put("head", v.head()).put("tracked", v.tracked());
        try {
            return Json.MAPPER.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
