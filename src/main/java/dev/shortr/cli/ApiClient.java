package dev.shortr.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shortr REST API over {@link HttpClient}. A non-2xx answer becomes a {@link Failure} carrying the problem's
 * title and detail on one line; a server that cannot be reached becomes exit code 3.
 */
final class ApiClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** A 2xx answer. {@code body} is the raw text, empty for 204. */
    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw Failure.of("the server sent invalid JSON: " + oneLine(e.getOriginalMessage()));
            }
        }
    }

    private final String server;
    private final String key;
    private final HttpClient http;

    ApiClient(URI server, String key) {
        String s = server.toString();
        this.server = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.key = key == null || key.isBlank() ? null : key.strip();
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    Response get(String path) {
        return send("GET", path, null, null);
    }

    Response post(String path, JsonNode body) {
        return send("POST", path, body, "application/json");
    }

    /** RFC 7396 merge patch: absent fields stay, null clears. */
    Response patch(String path, JsonNode body) {
        return send("PATCH", path, body, "application/merge-patch+json");
    }

    Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** {@code /api/v1/links/{code}} with the code percent-encoded: aliases are user text. */
    static String path(String prefix, String segment, String suffix) {
        return prefix + "/" + URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20") + suffix;
    }

    /** {@code ?a=1&b=2} of the non-null values, or "" when there are none. */
    static String query(Map<String, ?> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> {
            if (v != null) {
                parts.add(k + "=" + URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        });
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    /** A GET of a binary body, such as an image, sent as {@code accept}; a non-2xx answer fails as for {@link #get}. */
    byte[] download(String path, String accept) {
        HttpResponse<byte[]> r = exchange(request(path, accept).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 == 2) {
            return r.body();
        }
        throw Failure.of(problem(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8)));
    }

    private Response send(String method, String path, JsonNode body, String contentType) {
        HttpRequest.Builder b = request(path, "application/json, application/problem+json");
        if (body != null) {
            b.header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = exchange(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() / 100 == 2) {
            return new Response(r.statusCode(), r.body());
        }
        throw Failure.of(problem(r.statusCode(), r.body()));
    }

    private HttpRequest.Builder request(String path, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", accept);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw new Failure(Failure.UNREACHABLE, "cannot reach " + server + ": " + why(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.of("interrupted while waiting for " + server);
        }
    }

    /** One line from an RFC 9457 problem: "Link not found: no link with code 'x' (HTTP 404)". */
    private String problem(int status, String body) {
        String line;
        try {
            JsonNode p = JSON.readTree(body);
            if (p == null || !p.isObject() || !p.hasNonNull("title")) {
                throw new IllegalArgumentException("not a problem");
            }
            line = p.get("title").asText();
            String detail = p.path("detail").asText("");
            if (!detail.isEmpty()) {
                line += ": " + detail;
            }
            for (JsonNode e : p.path("errors")) {
                String d = e.path("detail").asText("");
                if (!d.isEmpty() && !detail.contains(d)) {
                    line += "; " + e.path("field").asText("?") + ": " + d;
                }
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String text = oneLine(body);
            line = text.isEmpty() ? "no details from " + server
                    : text.length() > 200 ? text.substring(0, 200) + "…" : text;
        }
        line = oneLine(line) + " (HTTP " + status + ")";
        if (status == 401 && key == null) {
            line += "; pass --key or set SHORTR_KEY";
        }
        return line;
    }

    private static String why(IOException e) {
        String refused = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) { // the JDK's innermost one says why: refused, no route, ...
                refused = t.getMessage() == null ? "connection refused" : t.getMessage().toLowerCase(Locale.ROOT);
            }
        }
        if (refused != null) {
            return refused;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*[\r\n]+\\s*", " ");
    }

    @Override
    public void close() {
        http.close();
    }
}
