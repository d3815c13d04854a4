package dev.shortr.cdn;

import dev.shortr.config.CdnConfig;
import dev.shortr.config.PurgeConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Purges through a CDN's HTTP API, from templates (docs/edge.md has Fastly's and Cloudflare's): {@code {key}} in the
 * URL sends one request per key; otherwise the keys go in batches, as {@code {keys}} (separated by spaces, for a
 * header such as Fastly's {@code Surrogate-Key}) or {@code {keysJson}} (a JSON array, for a body such as Cloudflare's
 * {@code {"tags": ...}}). {@code {token}} in a header is the secret read from {@code cdn.purge.http.tokenFile}. Any 2xx
 * is success.
 */
final class HttpPurge implements PurgeTarget {
    private final PurgeConfig config;
    private final String token;
    private final HttpClient http;
    private final boolean perKey;

    /** @param token the API token, or null when no header needs one */
    HttpPurge(PurgeConfig config, String token, HttpClient http) {
        if (config.httpUrl() == null) {
            throw new IllegalArgumentException("cdn.purge.http.url is not set");
        }
        this.config = config;
        this.token = token;
        this.http = http;
        this.perKey = config.httpUrl().contains("{key}");
    }

    @Override
    public String name() {
        return "http " + config.httpUrl();
    }

    @Override
    public Sent purge(List<String> codes) {
        List<String> keys = codes.stream().map(CdnConfig::key).toList();
        int step = perKey ? 1 : config.httpBatch();
        for (int from = 0; from < keys.size(); from += step) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + step));
            Sent sent = Exchange.send(http, request(batch), status -> status / 100 == 2);
            if (sent instanceof Sent.Failed f) {
                return new Sent.Failed(config.httpMethod() + " for " + String.join(" ", batch) + ": " + f.why());
            }
        }
        return Sent.DONE;
    }

    /** The request for {@code keys} (one of them when the URL names {@code {key}}). */
    HttpRequest request(List<String> keys) {
        String url = config.httpUrl().replace("{key}", URLEncoder.encode(keys.getFirst(), StandardCharsets.UTF_8));
        String spaced = String.join(" ", keys);
        String body = config.httpBody().replace("{keysJson}", json(keys)).replace("{keys}", spaced);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(config.timeout())
                .method(config.httpMethod(), body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        boolean typed = false;
        for (String h : config.httpHeaders()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).strip();
            String value = h.substring(colon + 1).strip().replace("{keys}", spaced);
            if (value.contains("{token}")) {
                value = value.replace("{token}", token == null ? "" : token);
            }
            b.header(name, value);
            typed |= name.toLowerCase(Locale.ROOT).equals("content-type");
        }
        if (!typed && (body.startsWith("{") || body.startsWith("["))) {
            b.header("Content-Type", "application/json");
        }
        return b.build();
    }

    /** Keys as a JSON array; keys are {@code link-} and a code, ASCII letters, digits, {@code _} and {@code -}. */
    private static String json(List<String> keys) {
        List<String> quoted = new ArrayList<>(keys.size());
        for (String k : keys) {
            quoted.add('"' + k.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return "[" + String.join(",", quoted) + "]";
    }
}
