package dev.shortr.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's sign-ins. Signing in with an API key opens a session: a random id, which is all the cookie
 * holds ({@code HttpOnly}, {@code SameSite=Strict}; {@code Secure} and {@code __Host-} over https), and a
 * CSRF token of its own. The key stays on the server, so a cookie copied out of a browser is worth one
 * session, which signing out ends on the server too; and the key is checked again on every request, so
 * revoking it ends its sessions.
 *
 * <p>A request authenticated by the cookie that changes state must carry the session's token in
 * {@code X-CSRF-Token}: a page on another origin can make the browser send the cookie (a site is not an
 * origin: other ports of the same host are the same site) but cannot read the token, nor set a custom
 * header without a CORS preflight we never grant.
 *
 * <p>Sessions live in this node's memory: a restart signs everybody out, and several nodes behind one
 * address need sticky sessions. They end after {@code idle} without a request and after {@code lifetime}
 * in any case; at most {@link #MAX_SESSIONS} are kept (the least recently used go first).
 */
public final class BrowserSession {
    /** The cookie's name over plain HTTP. */
    public static final String COOKIE = "shortr_session";
    /** Over https: a {@code __Host-} cookie cannot be set by a sibling subdomain or for another path. */
    public static final String SECURE_COOKIE = "__Host-shortr_session";
    /** The request header that carries the CSRF token. */
    public static final String CSRF_HEADER = "x-csrf-token";
    static final int MAX_SESSIONS = 100_000;

    /** A signed-in browser: the key it signed in with (kept here, never sent back) and its CSRF token. */
    public record Session(String id, String key, String csrfToken, long startedMs, long lastSeenMs) {}

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final long idleMs;
    private final long lifetimeMs;

    public BrowserSession() {
        this(Clock.systemUTC(), Duration.ofHours(12), Duration.ofDays(7));
    }

    public BrowserSession(Clock clock, Duration idle, Duration lifetime) {
        this.clock = clock;
        this.idleMs = idle.toMillis();
        this.lifetimeMs = lifetime.toMillis();
    }

    /** Opens a session for an API key already verified; returns it (its id goes in the cookie). */
    public Session open(String key) {
        if (sessions.size() >= MAX_SESSIONS) {
            evictOldest();
        }
        long now = clock.millis();
        Session s = new Session(token(), key, token(), now, now);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session of a cookie value, or empty; a hit counts as activity. */
    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        if (now - s.lastSeenMs() >= idleMs || now - s.startedMs() >= lifetimeMs) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        if (now - s.lastSeenMs() > 60_000) { // a minute's precision is enough for the idle limit
            sessions.replace(id, s, new Session(s.id(), s.key(), s.csrfToken(), s.startedMs(), now));
        }
        return Optional.of(s);
    }

    /** Ends a session (sign-out); unknown ids are ignored. */
    public void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Whether {@code token} is the session's CSRF token, compared in constant time. */
    public static boolean csrfValid(Session s, String token) {
        return token != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return sessions.size();
    }

    private void evictOldest() {
        Session oldest = null;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            Session s = it.next();
            if (oldest == null || s.lastSeenMs() < oldest.lastSeenMs()) {
                oldest = s;
            }
        }
        if (oldest != null) {
            sessions.remove(oldest.id(), oldest);
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Why a request that the browser says comes from elsewhere must not use the session, or null:
     * {@code Sec-Fetch-Site} (when sent) must be {@code same-origin} (or {@code none}: typed by the user), and
     * {@code Origin} (when sent) must name the host the request was sent to, or be {@code publicOrigin} (the
     * configured public URL's origin: a proxy in front may pass another {@code Host}). The scheme is not
     * compared with the host's: a proxy may end TLS in front of us.
     */
    public static String foreign(String fetchSite, String origin, String host, String publicOrigin) {
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return "a request from another site (Sec-Fetch-Site: " + fetchSite + ") cannot use the browser session";
        }
        if (origin != null && !(publicOrigin != null && origin.equalsIgnoreCase(publicOrigin))) {
            int sep = origin.indexOf("://");
            if (host == null || sep < 0 || !origin.substring(sep + 3).equalsIgnoreCase(host)) {
                return "a request from another origin cannot use the browser session";
            }
        }
        return null;
    }

    /** The session cookie's value in a {@code Cookie} request header (either name), or null. */
    public static String idFromCookies(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String pair : cookieHeader.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).strip();
            if (name.equals(COOKIE) || name.equals(SECURE_COOKIE)) {
                String v = pair.substring(eq + 1).strip();
                return v.isEmpty() || v.length() > 128 ? null : v;
            }
        }
        return null;
    }

    /**
     * {@code Set-Cookie} for a new session: a session cookie (no {@code Max-Age}: it goes when the browser
     * does); {@code secure} when the browser reaches us over HTTPS.
     */
    public static String setCookie(String id, boolean secure) {
        return (secure ? SECURE_COOKIE : COOKIE) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** {@code Set-Cookie} that ends a session. */
    public static String clearCookie(boolean secure) {
        return (secure ? SECURE_COOKIE : COOKIE) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "");
    }
}
