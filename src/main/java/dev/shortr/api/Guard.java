package dev.shortr.api;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.BrowserSession;
import dev.shortr.auth.Scope;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.link.InvalidInputException;
import dev.shortr.link.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's front door for every route: rate limits, authentication, scope checks, and the mapping of
 * domain exceptions to problems. Handlers behind it receive a {@link Caller} and never see a bad key.
 */
final class Guard {
    private static final Logger log = LoggerFactory.getLogger(Guard.class);

    /** A handler that knows who is calling. */
    @FunctionalInterface
    interface CallerHandler {
        Reply handle(Request req, Caller caller) throws Exception;
    }

    private final ApiKeys keys;
    private final RateLimits limits;
    /** Browser sessions (the web UI's cookie); null when only {@code Authorization} headers count. */
    private final BrowserSession sessions;

    /** The origin of the configured public URL ({@code https://sho.rt}), or null. */
    private final String publicOrigin;

    Guard(ApiKeys keys, RateLimits limits) {
        this(keys, limits, null, null);
    }

    Guard(ApiKeys keys, RateLimits limits, BrowserSession sessions, String publicUrl) {
        this.keys = keys;
        this.limits = limits;
        this.sessions = sessions;
        this.publicOrigin = origin(publicUrl);
    }

    /** {@code scheme://host[:port]} of a URL, or null. */
    static String origin(String url) {
        if (url == null) {
            return null;
        }
        java.net.URI u = java.net.URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /** Requires a key with {@code scope}. */
    dev.shortr.http.Handler require(Scope scope, CallerHandler h) {
        return req -> run(req, scope, false, h);
    }

    /** Accepts a key with {@code scope}, or nobody when {@code anonymousAllowed}. */
    dev.shortr.http.Handler requireOrAnonymous(Scope scope, boolean anonymousAllowed, CallerHandler h) {
        return req -> run(req, scope, anonymousAllowed, h);
    }

    private Reply run(Request req, Scope scope, boolean anonymousAllowed, CallerHandler h) throws Exception {
        try {
            return guarded(req, scope, anonymousAllowed, h);
        } catch (StoreException e) { // while authenticating: the key lookup found no connection, say
            return unavailable(req, e);
        }
    }

    private Reply guarded(Request req, Scope scope, boolean anonymousAllowed, CallerHandler h) throws Exception {
        RateLimits.Verdict ipVerdict = limits.perIp(req.clientIp());
        if (!ipVerdict.allowed()) {
            return ipVerdict.apply(tooMany(ipVerdict).toReply(req.path()));
        }
        String sessionId = sessions == null || req.header("authorization") != null ? null
                : BrowserSession.idFromCookies(req.header("cookie"));
        Optional<BrowserSession.Session> session = Optional.empty();
        if (sessionId != null) {
            // the cookie comes with whatever another site makes the browser request: from there it never counts,
            // and a state change from here needs the session's token too
            String refused = BrowserSession.foreign(req.header("sec-fetch-site"), req.header("origin"), req.header("host"),
                    publicOrigin);
            if (refused == null) {
                session = sessions.find(sessionId);
                if (session.isPresent() && !safe(req.method())
                        && !BrowserSession.csrfValid(session.get(), req.header(BrowserSession.CSRF_HEADER))) {
                    refused = "missing or stale CSRF token: send the session's token (GET /ui/session) in X-CSRF-Token";
                }
            }
            if (refused != null && !safe(req.method())) {
                return Problem.of(403, "csrf", "Forbidden", refused).toReply(req.path());
            }
        }
        Optional<ApiKey> key = session.isPresent() ? keys.verify(session.get().key()) : authenticate(req);
        if (key.isEmpty() && !(anonymousAllowed && req.header("authorization") == null)) {
            return unauthorized(req);
        }
        Caller caller = new Caller(key.orElse(null), req.clientIp());
        RateLimits.Verdict verdict = caller.anonymous() ? limits.anonymousCreate(req.clientIp()) : limits.perKey(caller.key().id());
        if (!verdict.allowed()) {
            return verdict.apply(tooMany(verdict).toReply(req.path()));
        }
        if (!caller.anonymous() && !caller.key().allows(scope)) {
            return verdict.apply(Problem.of(403, "insufficient-scope", "Forbidden",
                    "this key lacks the '" + scope.wire() + "' scope").toReply(req.path()));
        }
        Reply reply;
        try {
            reply = h.handle(req, caller);
        } catch (InvalidInputException e) {
            reply = new Problem(400, "invalid-field", "Invalid field", e.getMessage(),
                    List.of(new Problem.FieldError(e.field(), e.getMessage())), Map.of()).toReply(req.path());
        } catch (StoreException e) {
            reply = unavailable(req, e);
        } catch (HttpError e) {
            reply = e.problem().toReply(req.path());
        }
        if (session.isPresent() && !reply.headers().containsKey("cache-control")) {
            reply.header("cache-control", "private, no-store"); // a signed-in browser's data stays out of its disk cache
        }
        return verdict.apply(reply);
    }

    /** 503 with Retry-After: the store did not answer in time (no pooled connection, a timeout, a server away). */
    private static Reply unavailable(Request req, StoreException e) {
        log.warn("{} {}: store unavailable: {}", req.method(), req.path(), e.getMessage());
        return Problem.of(503, "store-unavailable", "Service unavailable", "the data store is not answering; retry shortly")
                .withHeaders(Map.of("retry-after", "2")).toReply(req.path());
    }

    private Optional<ApiKey> authenticate(Request req) {
        String auth = req.header("authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return keys.verify(auth.substring(7).strip());
    }

    private static boolean safe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    private static Reply unauthorized(Request req) {
        String auth = req.header("authorization");
        String detail = auth == null ? "send an API key as 'Authorization: Bearer <key>', or sign in to the web UI"
                : "the API key is not valid or has been revoked";
        return Problem.of(401, "unauthorized", "Unauthorized", detail)
                .withHeaders(Map.of("www-authenticate", "Bearer realm=\"shortr\"")).toReply(req.path());
    }

    private static Problem tooMany(RateLimits.Verdict v) {
        return Problem.of(429, "rate-limited", "Too many requests",
                "rate limit of " + v.limit() + " requests per minute exceeded; retry in " + v.retryAfterSeconds() + " s");
    }
}
