package dev.shortr.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.auth.ApiKey;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.BrowserSession;
import dev.shortr.auth.Scope;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The web UI: one HTML page at {@code /ui} (and {@code /}) that runs {@code app.js}, its static files, and
 * the browser session (sign-in with an API key, kept in an {@code HttpOnly} cookie; see {@link BrowserSession}).
 * Everything else the page does goes through the public API, authenticated by that cookie.
 *
 * <p>Every UI response carries a strict Content-Security-Policy: scripts and styles from this origin only,
 * nothing inline, no framing.
 */
public final class Ui {
    /** Scripts and styles from this origin only, none inline; images also as data: and blob: (QR previews). */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Ui.class);
    private final ApiKeys keys;
    private final BrowserSession sessions;
    /** The API's per-address rate limit, which sign-in attempts count against too. */
    private final java.util.function.Predicate<String> perIpAllowed;
    private final boolean secureCookies;
    /** The configured public URL's origin, which a proxy in front may show the browser instead of our Host. */
    private final String publicOrigin;
    private final Assets assets;
    private final byte[] shell;

    /**
     * @param publicUrl the configured public URL, or null
     * @param httpsOnly the UI is only ever reached over HTTPS: the session cookie is {@code Secure} (and {@code __Host-})
     */
    public Ui(ApiKeys keys, BrowserSession sessions, String publicUrl, boolean httpsOnly,
              java.util.function.Predicate<String> perIpAllowed) {
        this.perIpAllowed = perIpAllowed;
        this.keys = keys;
        this.sessions = sessions;
        this.secureCookies = httpsOnly;
        this.publicOrigin = publicUrl == null ? null : java.net.URI.create(publicUrl).getScheme() + "://"
                + java.net.URI.create(publicUrl).getRawAuthority();
        this.assets = Assets.load(Map.of(
                "app.js", "ui/app.js",
                "app.css", "ui/app.css",
                "uplot.js", "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
                "uplot.css", "META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css",
                "uplot-license.txt", "META-INF/resources/webjars/uplot/1.6.30/LICENSE"));
        this.shell = shellHtml().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public void routes(Router r) {
        r.add("GET", "/", "Web UI", this::page);
        r.add("GET", "/ui", "Web UI", this::page);
        r.add("GET", "/ui/assets/{file}", "Web UI static file", this::asset);
        r.add("GET", "/ui/session", "Web UI: who is signed in, and the CSRF token", this::whoami);
        r.add("POST", "/ui/session", "Web UI: sign in with an API key", this::signIn);
        r.add("DELETE", "/ui/session", "Web UI: sign out", this::signOut);
    }

    private String shellHtml() {
        return "<!doctype html><html lang=en><head><meta charset=utf-8>"
                + "<meta name=viewport content=\"width=device-width,initial-scale=1\"><meta name=robots content=noindex>"
                + "<meta name=color-scheme content=\"light dark\"><title>shortr</title>"
                + "<link rel=icon href=\"data:,\">"
                + "<link rel=stylesheet href=\"" + assets.path("app.css") + "\">"
                + "<script defer src=\"" + assets.path("app.js") + "\" data-uplot=\"" + assets.path("uplot.js")
                + "\" data-uplot-css=\"" + assets.path("uplot.css") + "\"></script>"
                + "</head><body><a class=skip href=\"#main\">Skip to content</a>"
                + "<header class=top><a class=brand href=\"#/\">shortr</a><nav id=nav aria-label=Main></nav></header>"
                + "<main id=main tabindex=-1><p class=loading>Loading…</p>"
                + "<noscript><p>The shortr web UI needs JavaScript. The <a href=\"/api/openapi.json\">API</a> works without it.</p></noscript>"
                + "</main><div id=toast role=status aria-live=polite></div></body></html>";
    }

    private Reply page(Request req) {
        return secured(Reply.of(200, "text/html; charset=utf-8", shell)).header("cache-control", "no-cache");
    }

    private Reply asset(Request req) {
        Assets.Asset a = assets.byName(req.pathParam("file"));
        if (a == null) {
            return Problem.of(404, "not-found", "Not found", "no such UI file; it may be from an older release")
                    .toReply(req.path());
        }
        String accept = req.header("accept-encoding");
        boolean gz = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("gzip") && a.gzip().length < a.plain().length;
        String etag = gz ? a.etag().substring(0, a.etag().length() - 1) + "-gz\"" : a.etag();
        Reply reply;
        String inm = req.header("if-none-match");
        if (inm != null && (inm.contains(etag) || inm.strip().equals("*"))) {
            reply = Reply.empty(304);
        } else {
            reply = Reply.of(200, a.contentType(), gz ? a.gzip() : a.plain());
            if (gz) {
                reply.header("content-encoding", "gzip");
            }
        }
        return reply.header("etag", etag).header("vary", "accept-encoding")
                .header("cache-control", "public, max-age=31536000, immutable")
                .header("x-content-type-options", "nosniff");
    }

    private Reply whoami(Request req) {
        ObjectNode out = JSON.createObjectNode();
        String id = BrowserSession.idFromCookies(req.header("cookie"));
        Optional<BrowserSession.Session> session = crossSite(req) == null ? sessions.find(id) : Optional.empty();
        Optional<ApiKey> k = session.flatMap(s -> keys.verify(s.key()));
        out.put("signedIn", k.isPresent());
        k.ifPresent(apiKey -> describe(out, apiKey, session.get()));
        Reply reply = json(200, out);
        if (id != null && k.isEmpty() && crossSite(req) == null) {
            session.ifPresent(s -> sessions.close(s.id())); // its key was revoked
            reply.header("set-cookie", BrowserSession.clearCookie(secureCookies)); // ended or unknown: forget it
        }
        return reply;
    }

    private void describe(ObjectNode out, ApiKey apiKey, BrowserSession.Session session) {
        out.put("name", apiKey.name());
        var scopes = out.putArray("scopes");
        apiKey.scopes().stream().map(Scope::wire).sorted().forEach(scopes::add);
        out.put("csrfToken", session.csrfToken());
    }

    private Reply signIn(Request req) {
        if (!perIpAllowed.test(req.clientIp())) {
            return Problem.of(429, "rate-limited", "Too many requests", "too many requests from this address; retry in a minute")
                    .withHeaders(Map.of("retry-after", "60")).toReply(req.path());
        }
        String refused = crossSite(req);
        if (refused != null) {
            return Problem.of(403, "csrf", "Forbidden", refused).toReply(req.path());
        }
        String type = req.header("content-type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return Problem.of(415, "unsupported-media-type", "Unsupported media type", "send {\"key\": \"sk_...\"} as application/json")
                    .toReply(req.path());
        }
        JsonNode body;
        try {
            body = JSON.readTree(req.body());
        } catch (IOException e) {
            return Problem.of(400, "malformed-body", "Malformed body", "the body is not valid JSON").toReply(req.path());
        }
        JsonNode keyNode = body == null ? null : body.get("key");
        if (keyNode == null || !keyNode.isTextual() || keyNode.asText().isBlank() || keyNode.asText().length() > 512) {
            return new Problem(400, "invalid-field", "Invalid field", "key: an API key is required",
                    java.util.List.of(new Problem.FieldError("key", "an API key is required")), Map.of()).toReply(req.path());
        }
        String key = keyNode.asText().strip();
        Optional<ApiKey> k = keys.verify(key);
        if (k.isEmpty()) {
            log.info("web UI sign-in refused from {}: unknown or revoked key", req.clientIp());
            return Problem.of(401, "unauthorized", "Unauthorized", "this API key is not valid or has been revoked")
                    .toReply(req.path());
        }
        sessions.close(BrowserSession.idFromCookies(req.header("cookie"))); // a new sign-in replaces the old session
        BrowserSession.Session session = sessions.open(key);
        ObjectNode out = JSON.createObjectNode();
        out.put("signedIn", true);
        describe(out, k.get(), session);
        return json(200, out).header("set-cookie", BrowserSession.setCookie(session.id(), secureCookies));
    }

    private Reply signOut(Request req) {
        String refused = crossSite(req);
        Optional<BrowserSession.Session> session = refused == null ? sessions.find(BrowserSession.idFromCookies(req.header("cookie")))
                : Optional.empty();
        if (refused == null && session.isPresent() && !BrowserSession.csrfValid(session.get(), req.header(BrowserSession.CSRF_HEADER))) {
            refused = "missing or stale CSRF token";
        }
        if (refused != null) {
            return Problem.of(403, "csrf", "Forbidden", refused).toReply(req.path());
        }
        session.ifPresent(s -> sessions.close(s.id()));
        return Reply.empty(204).header("set-cookie", BrowserSession.clearCookie(secureCookies)).header("cache-control", "no-store")
                .header("clear-site-data", "\"cache\"");
    }

    private String crossSite(Request req) {
        return BrowserSession.foreign(req.header("sec-fetch-site"), req.header("origin"), req.header("host"), publicOrigin);
    }

    private static Reply json(int status, ObjectNode body) {
        try {
            return Reply.json(status, JSON.writeValueAsBytes(body)).header("cache-control", "no-store");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headers every UI page gets. */
    static Reply secured(Reply r) {
        return r.header("content-security-policy", CSP)
                .header("x-frame-options", "DENY")
                .header("x-content-type-options", "nosniff")
                .header("referrer-policy", "same-origin")
                .header("permissions-policy", "camera=(), microphone=(), geolocation=()");
    }
}
