package dev.shortr.http;

/** Told of every routed request once it is answered (metrics, access log). Must be cheap and non-blocking. */
public interface RequestObserver {
    void observed(String method, String route, int status, long nanos, Request request);

    RequestObserver NONE = (m, r, s, n, q) -> {};
}
