package dev.shortr.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Purges of a CDN's copies when a link is edited or deleted (docs/edge.md). Nothing is purged when both
 * {@code varnish} and {@code httpUrl} are empty.
 *
 * @param varnish       base URLs of Varnish servers ({@code http://10.0.0.5:6081}); each gets {@code PURGE /<code>}
 *                      with an {@code xkey} header naming the link's key
 * @param httpUrl       a purge API's URL, or null; {@code {key}} in it sends one request per key
 * @param httpMethod    its method
 * @param httpHeaders   {@code Name: value} headers of each request; {@code {token}} is the secret of {@code httpTokenFile},
 *                      {@code {keys}} the keys separated by spaces
 * @param httpBody      the request body, or empty; {@code {keysJson}} is the keys as a JSON array
 * @param httpTokenFile a file holding the API token (a secret mount), or null
 * @param httpBatch     keys per request when the URL has no {@code {key}}
 * @param maxAttempts   attempts at one batch before it is given up (logged and counted)
 * @param backoffBase   the first retry delay; later ones grow from it
 * @param timeout       connect and response timeout of one attempt
 */
public record PurgeConfig(List<String> varnish, String httpUrl, String httpMethod, List<String> httpHeaders, String httpBody,
                          Path httpTokenFile, int httpBatch, int maxAttempts, Duration backoffBase, Duration timeout) {
    public PurgeConfig {
        varnish = List.copyOf(varnish);
        httpHeaders = List.copyOf(httpHeaders);
        Setting.CDN_PURGE_VARNISH.require(varnish);
        Setting.CDN_PURGE_HTTP_URL.require(httpUrl);
        Setting.CDN_PURGE_HTTP_METHOD.require(httpMethod);
        Setting.CDN_PURGE_HTTP_HEADERS.require(httpHeaders);
        Setting.CDN_PURGE_HTTP_BATCH.require(httpBatch);
        Setting.CDN_PURGE_MAX_ATTEMPTS.require(maxAttempts);
        Setting.CDN_PURGE_BACKOFF_BASE.require(backoffBase);
        Setting.CDN_PURGE_TIMEOUT.require(timeout);
        if (httpBody == null) {
            throw new IllegalArgumentException("cdn.purge.http.body is required (empty for none)");
        }
    }

    public static PurgeConfig defaults() {
        // 100 keys a request: Cloudflare's most per purge call (Fastly takes 256); 20 attempts, the delays growing from
        // 1 s to 5 min, keep a purge going for about an hour, as long as a redirect is cached by default
        return new PurgeConfig(List.of(), null, "POST", List.of(), "", null, 100, 20, Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    /** Whether anything is to be purged at all. */
    public boolean enabled() {
        return !varnish.isEmpty() || httpUrl != null;
    }
}
