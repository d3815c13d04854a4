package dev.shortr.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser's sign-in: the API key in an {@code HttpOnly}, {@code SameSite=Strict} cookie, which page scripts
 * cannot read, and a CSRF token that they can (the UI fetches it from {@code GET /ui/session}). A request
 * authenticated by the cookie that changes state must carry the token in {@code X-CSRF-Token}: a page on
 * another origin can make the browser send the cookie (a site is not an origin: other ports of the same host
 * are the same site) but cannot read the token, nor set a custom header without a CORS preflight we never
 * grant.
 *
 * <p>The token is an HMAC of the key under a secret drawn at start-up: nothing to store, and a restart
 * invalidates every token (the UI fetches a new one and retries once).
 */
public final class BrowserSession {
    /** The cookie's name. */
    public static final String COOKIE = "shortr_session";
    /** The request header that carries the CSRF token. */
    public static final String CSRF_HEADER = "x-csrf-token";

    private final SecretKeySpec secret;

    public BrowserSession() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        this.secret = new SecretKeySpec(s, "HmacSHA256");
    }

    /** The CSRF token that goes with a session of {@code key}. */
    public String csrfToken(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            byte[] d = mac.doFinal(("csrf:" + key).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether {@code token} is the CSRF token of {@code key}, compared in constant time. */
    public boolean csrfValid(String key, String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(csrfToken(key).getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Why a state-changing request that the browser says comes from elsewhere must not use the session, or
     * null: {@code Sec-Fetch-Site} (when sent) must be {@code same-origin} (or {@code none}: typed by the
     * user), and {@code Origin} (when sent) must name the host the request was sent to. The scheme is not
     * compared: a proxy may end TLS in front of us.
     */
    public static String foreign(String fetchSite, String origin, String host) {
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return "a request from another site (Sec-Fetch-Site: " + fetchSite + ") cannot use the browser session";
        }
        if (origin != null) {
            int sep = origin.indexOf("://");
            if (host == null || sep < 0 || !origin.substring(sep + 3).equalsIgnoreCase(host)) {
                return "a request from another origin cannot use the browser session";
            }
        }
        return null;
    }

    /** The session cookie's value in a {@code Cookie} request header, or null. */
    public static String keyFromCookies(String cookieHeader) {
        if (cookieHeader == null) {
            return null;
        }
        for (String pair : cookieHeader.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equals(COOKIE)) {
                String v = pair.substring(eq + 1).strip();
                return v.isEmpty() || v.length() > 512 ? null : v;
            }
        }
        return null;
    }

    /** {@code Set-Cookie} for a new session; {@code secure} when the browser reached us over HTTPS. */
    public static String setCookie(String key, boolean secure, long maxAgeSeconds) {
        return COOKIE + "=" + key + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + maxAgeSeconds + (secure ? "; Secure" : "");
    }

    /** {@code Set-Cookie} that ends a session. */
    public static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "");
    }
}
