package dev.shortr.cdn;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;

/** One purge request and what came of it, in a line fit for a log: no headers (they may hold a token). */
final class Exchange {
    private static final int SNIPPET = 200;

    private Exchange() {
    }

    static Sent send(HttpClient http, HttpRequest request, IntPredicate ok) {
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (ok.test(r.statusCode())) {
                return Sent.DONE;
            }
            String body = new String(r.body(), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
            return new Sent.Failed("HTTP " + r.statusCode() + (body.isEmpty() ? "" : ": "
                    + (body.length() > SNIPPET ? body.substring(0, SNIPPET) + "..." : body)));
        } catch (HttpTimeoutException e) {
            return new Sent.Failed("no answer within " + request.timeout().map(t -> t.toMillis() + " ms").orElse("the timeout"));
        } catch (ConnectException e) {
            return new Sent.Failed("connection refused or unreachable" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        } catch (IOException e) {
            return new Sent.Failed(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sent.Failed("interrupted (the node is stopping)");
        }
    }
}
