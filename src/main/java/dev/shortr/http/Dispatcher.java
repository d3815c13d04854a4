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

    public Dispatcher(Router router, RequestObserver observer) {
        this.router = router;
        this.observer = observer;
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
        observer.observed(request.method(), route, reply.status(), System.nanoTime() - start, request);
        return reply;
    }
}
