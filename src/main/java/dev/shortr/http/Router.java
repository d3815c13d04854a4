package dev.shortr.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table of (method, path pattern) to handler. Patterns are literal segments and {@code {name}} captures
 * of one whole segment, e.g. {@code /api/v1/links/{code}/stats}. The first registered match wins; a path
 * that matches with another method yields 405 with {@code Allow}. Deliberately tiny: no regexes, no
 * wildcards, no middleware chain.
 */
public final class Router {
    /** A registered route; {@code pattern} doubles as the metrics tag. */
    public record Route(String method, String pattern, Handler handler, String summary) {}

    public sealed interface Match {
        record Found(Route route, Map<String, String> params) implements Match {}

        record MethodNotAllowed(Set<String> allowed) implements Match {}

        record NotFound() implements Match {}
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<String[]> segments = new ArrayList<>();

    /** Registers a route. {@code summary} feeds the OpenAPI document test. */
    public Router add(String method, String pattern, String summary, Handler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("pattern must start with /: " + pattern);
        }
        routes.add(new Route(method, pattern, handler, summary));
        segments.add(split(pattern));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    public Match match(String method, String path) {
        String[] parts = split(path);
        Set<String> allowed = null;
        for (int i = 0; i < routes.size(); i++) {
            Map<String, String> params = bind(segments.get(i), parts);
            if (params == null) {
                continue;
            }
            Route r = routes.get(i);
            if (r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET"))) {
                return new Match.Found(r, params);
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method());
            if (r.method().equals("GET")) {
                allowed.add("HEAD");
            }
        }
        return allowed == null ? new Match.NotFound() : new Match.MethodNotAllowed(allowed);
    }

    private static Map<String, String> bind(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.length() > 2 && p.charAt(0) == '{' && p.charAt(p.length() - 1) == '}') {
                if (parts[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>(4);
                }
                params.put(p.substring(1, p.length() - 1), parts[i]);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static String[] split(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
    }
}
