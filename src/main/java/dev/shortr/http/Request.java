package dev.shortr.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A complete request as handlers see it, whatever the HTTP version. Body is already bounded by the server.
 *
 * @param path       the decoded-free raw path, without query
 * @param query      decoded query parameters (first value wins for {@link #param})
 * @param secure     true when the request came over HTTPS
 * @param pathParams values captured by the route pattern
 */
public record Request(String method, String path, String rawQuery, Map<String, List<String>> query,
                      HttpHeaders headers, byte[] body, InetSocketAddress remote, boolean secure,
                      Map<String, String> pathParams) {

    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }

    /**
     * The base of short URLs for this request: {@code publicUrl} when configured, else the scheme and
     * {@code Host} the client used (only when it looks like a host name, so a forged header cannot inject
     * markup or a path).
     */
    public String baseUrl(String publicUrl) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = header("host");
        if (host != null && !host.isEmpty() && host.length() <= 261 && host.chars().allMatch(Request::hostChar)) {
            return (secure ? "https://" : "http://") + host;
        }
        return secure ? "https://localhost" : "http://localhost";
    }

    private static boolean hostChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                || c == ':' || c == '[' || c == ']';
    }

    public String clientIp() {
        return remote == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    Request withPathParams(Map<String, String> params) {
        return new Request(method, path, rawQuery, query, headers, body, remote, secure, params);
    }
}
