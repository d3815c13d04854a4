package dev.shortr.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Strict JSON in, plain JSON out. Every malformed input becomes a 400 problem that says what is wrong. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(64 * 1024).maxNumberLength(32).build());
    }

    private Json() {}

    /** The body as a JSON object; 415 without a JSON content type, 400 when it is not valid JSON. */
    static ObjectNode object(Request req) {
        JsonNode n = tree(req);
        if (!(n instanceof ObjectNode o)) {
            throw bad("request body must be a JSON object");
        }
        return o;
    }

    /** {@code application/json} and {@code application/*+json}, with parameters; compiled once, not per request. */
    private static final java.util.regex.Pattern JSON_TYPE = java.util.regex.Pattern.compile("application/([a-z0-9.+-]*\\+)?json(\\s*;.*)?");

    static JsonNode tree(Request req) {
        String ct = req.header("content-type");
        if (ct == null || !JSON_TYPE.matcher(ct.toLowerCase(Locale.ROOT).strip()).matches()) {
            throw new HttpError(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send the body as application/json"));
        }
        if (req.body().length == 0) {
            throw bad("request body is empty; expected a JSON object");
        }
        String text;
        try {
            // Jackson tolerates encoded surrogates and some malformed sequences; the JDK decoder does not
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(req.body())).toString();
        } catch (CharacterCodingException e) {
            throw bad("request body is not valid UTF-8");
        }
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw bad("request body is empty; expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            if (msg != null && msg.contains("UTF-8")) {
                throw bad("request body is not valid UTF-8");
            }
            throw bad("request body is not valid JSON: " + firstLine(msg) + location(e));
        } catch (IOException e) {
            throw bad("request body could not be read");
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        String l = nl < 0 ? s : s.substring(0, nl);
        return l.length() > 160 ? l.substring(0, 160) + "…" : l;
    }

    static void onlyFields(ObjectNode o, Set<String> allowed) {
        List<Problem.FieldError> unknown = new ArrayList<>();
        o.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                unknown.add(new Problem.FieldError(f, "unknown field"));
            }
        });
        if (!unknown.isEmpty()) {
            throw new HttpError(new Problem(400, "unknown-field", "Unknown field",
                    "unknown field '" + unknown.get(0).field() + "'; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)),
                    unknown, java.util.Map.of()));
        }
    }

    static String string(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(field, field + " must be a string");
        }
        return n.textValue();
    }

    static Integer integer(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw invalid(field, field + " must be an integer");
        }
        return n.intValue();
    }

    static Long longValue(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw invalid(field, field + " must be an integer");
        }
        return n.longValue();
    }

    static Boolean bool(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw invalid(field, field + " must be true or false");
        }
        return n.booleanValue();
    }

    static Instant instant(ObjectNode o, String field) {
        String s = string(o, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                throw invalid(field, field + " must be an RFC 3339 timestamp such as 2030-01-31T12:00:00Z");
            }
        }
    }

    static List<String> strings(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw invalid(field, field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw invalid(field, field + " must be an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    static Reply reply(int status, JsonNode body) {
        try {
            return Reply.json(status, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpError bad(String detail) {
        return new HttpError(Problem.of(400, "malformed-body", "Malformed request body", detail));
    }

    static HttpError invalid(String field, String detail) {
        return new HttpError(new Problem(400, "invalid-field", "Invalid field", detail,
                List.of(new Problem.FieldError(field, detail)), java.util.Map.of()));
    }
}
