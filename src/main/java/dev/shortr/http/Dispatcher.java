package dev.shortr.http;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes a complete request to its handler and turns every outcome into a {@link Reply}: problems for
 * {@link HttpError}, 404/405 for unmatched paths, and a logged 500 for anything unexpected. The one place
 * where handler failures are logged.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Router router;
    private final RequestObserver observer;
    private final boolean serverTiming;

    public Dispatcher(Router router, RequestObserver observer) {
        this(router, observer, false);
    }

    /** @param serverTiming add {@code Server-Timing: app;dur=MS} (the time spent here) to every reply */
    public Dispatcher(Router router, RequestObserver observer, boolean serverTiming) {
        this.router = router;
        this.observer = observer;
        this.serverTiming = serverTiming;
    }

    public Router router() {
        return router;
    }

    public Reply dispatch(Request request) {
        long start = System.nanoTime();
        String route = "unmatched";
        Reply reply;
        try {
            switch (router.match(request.method(), request.path())) {
                case Router.Match.Found f -> {
                    route = f.route().pattern();
                    reply = f.route().handler().handle(request.withPathParams(f.params()));
                }
                case Router.Match.MethodNotAllowed m -> reply = Problem.of(405, "method-not-allowed",
                                "Method not allowed", request.method() + " is not allowed here; use " + String.join(", ", m.allowed()))
                        .withHeaders(Map.of("allow", String.join(", ", m.allowed()))).toReply(request.path());
                case Router.Match.NotFound n -> reply = Problem.of(404, "not-found", "Not found",
                        "no route for " + request.path()).toReply(request.path());
            }
        } catch (HttpError e) {
            reply = e.problem().toReply(request.path());
        } catch (Exception | StackOverflowError e) {
            log.error("{} {} failed", request.method(), route, e);
            reply = new Problem(500, "internal", "Internal error", "the server failed; it has been logged",
                    List.of(), Map.of()).toReply(request.path());
        }
        reply = conditional(request, reply);
        long took = System.nanoTime() - start;
        if (serverTiming) {
            reply.header("server-timing", serverTiming(took));
        }
        observer.observed(request.method(), route, reply.status(), took, request);
        return reply;
    }

    /** {@code app;dur=1.234}: {@code nanos} in milliseconds with microsecond precision (RFC: Server Timing, W3C). */
    public static String serverTiming(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        StringBuilder b = new StringBuilder(24).append("app;dur=").append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            b.append('0');
        }
        if (frac < 10) {
            b.append('0');
        }
        return b.append(frac).toString();
    }

    /**
     * Adds a strong ETag to successful GET/HEAD replies and answers 304 when {@code If-None-Match} already
     * has it (RFC 9110 §13.1.2). Replies marked {@code no-store} are left alone.
     */
    static Reply conditional(Request request, Reply reply) {
        if (!(request.method().equals("GET") || request.method().equals("HEAD")) || reply.status() != 200
                || reply.body().length == 0 || reply.headers().containsKey("etag")) {
            return reply;
        }
        String cc = reply.headers().get("cache-control");
        if (cc != null && cc.contains("no-store")) {
            return reply;
        }
        if (cc == null && request.path().startsWith("/api/")) {
            reply.header("cache-control", "private, no-cache");
        }
        String etag = etag(reply.body());
        reply.header("etag", etag);
        String inm = request.header("if-none-match");
        if (inm != null && matches(inm, etag)) {
            Reply notModified = Reply.empty(304);
            reply.headers().forEach((k, v) -> {
                if (!k.equals("content-type")) {
                    notModified.header(k, v);
                }
            });
            return notModified;
        }
        return reply;
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.equals("*") || c.equals(etag) || (c.startsWith("W/") && c.substring(2).equals(etag))) {
                return true;
            }
        }
        return false;
    }

    private static String etag(byte[] body) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 16)) + "\"";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
