package dev.shortr.http;

import java.util.List;
import java.util.Map;

/**
 * Thrown by handlers to answer with a problem; the server renders it. Not an error in the logging sense:
 * it is never logged.
 */
public final class HttpError extends RuntimeException {
    private final Problem problem;

    public HttpError(Problem problem) {
        super(problem.title() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public static HttpError of(int status, String type, String title, String detail) {
        return new HttpError(new Problem(status, type, title, detail, List.of(), Map.of()));
    }

    public Problem problem() {
        return problem;
    }
}
