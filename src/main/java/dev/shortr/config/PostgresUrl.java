package dev.shortr.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code postgres://user[:password]@host[:port]/database[?name=value&...]} store URL (also {@code postgresql://}),
 * split into what pgjdbc takes apart: a JDBC URL without credentials, the user, and the password if the URL carries
 * one (a password file is the better place: see {@code store.passwordFile}). Query parameters go to pgjdbc as they
 * are ({@code sslmode=require}, {@code connectTimeout=5}, ...). {@link #toString} never shows the password.
 *
 * @param password null when the URL has none
 * @param params   pgjdbc connection properties, in the order given; never holds {@code user} or {@code password}
 */
public record PostgresUrl(String host, int port, String database, String user, String password, Map<String, String> params) {
    public static final int DEFAULT_PORT = 5432;
    private static final Pattern SCHEME = Pattern.compile("(?i)postgres(ql)?://.*");
    /** What {@link #redact} puts where a password was. */
    static final String HIDDEN = "***";

    public PostgresUrl {
        params = Map.copyOf(params);
    }

    /** Whether {@code url} asks for PostgreSQL at all (it may still be malformed). */
    public static boolean isPostgres(String url) {
        return url != null && SCHEME.matcher(url).matches();
    }

    /** @throws IllegalArgumentException saying what is wrong, without repeating the password */
    public static PostgresUrl parse(String url) {
        if (!isPostgres(url)) {
            throw new IllegalArgumentException("expected postgres://user@host:port/database, got '" + redact(url) + "'");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redact(url) + "' is not a URL: " + e.getReason());
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + redact(url) + "' names no host (postgres://user@host:port/database)");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("'" + redact(url) + "' names no database (postgres://user@host:port/database)");
        }
        String user = null;
        String password = null;
        if (u.getRawUserInfo() != null) {
            String info = u.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
            for (String pair : u.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (name) {
                    case "user" -> user = user == null ? value : user;
                    case "password" -> password = password == null ? value : password;
                    default -> params.put(name, value);
                }
            }
        }
        if (user != null && user.isEmpty()) {
            user = null;
        }
        return new PostgresUrl(u.getHost(), u.getPort() < 0 ? DEFAULT_PORT : u.getPort(), database, user, password, params);
    }

    /** {@code jdbc:postgresql://host:port/database?params}: no user, no password. */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        String query = params.isEmpty() ? "" : params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&", "?", ""));
        return "jdbc:postgresql://" + h + ":" + port + "/" + encode(database) + query;
    }

    /** The URL as it may be logged: the password, if any, is {@value #HIDDEN}. */
    @Override
    public String toString() {
        String query = params.isEmpty() ? "" : params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&", "?", ""));
        String who = user == null ? "" : user + (password == null ? "" : ":" + HIDDEN) + "@";
        return "postgres://" + who + host + ":" + port + "/" + database + query;
    }

    /** {@code url} with the password part of its user info and any {@code password=} parameter hidden; null stays null. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String s = url.replaceAll("(?i)(password=)[^&]*", "$1" + HIDDEN);
        int scheme = s.indexOf("://");
        int at = s.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return s;
        }
        int colon = s.indexOf(':', scheme + 3);
        return colon < 0 || colon > at ? s : s.substring(0, colon + 1) + HIDDEN + s.substring(at);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
