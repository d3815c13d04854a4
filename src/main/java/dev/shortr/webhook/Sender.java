package dev.shortr.webhook;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Posts one signed event to one endpoint and says how it went. Every attempt is bounded by the timeout as a
 * whole (connecting, waiting for the answer and reading its body), and at most {@value #SNIPPET_BYTES} bytes of
 * an answer are kept, for the delivery log.
 */
final class Sender implements AutoCloseable {
    static final int SNIPPET_BYTES = 200;
    static final String USER_AGENT = "shortr-webhooks/1";

    /** What came back: a status (null when no answer came) and, unless it was a 2xx, why it failed. */
    record Response(Integer status, String error) {
        boolean ok() {
            return status != null && status / 100 == 2;
        }
    }

    private final Duration timeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http;

    Sender(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect is an answer, not a delivery
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
    }

    /** Sends {@code event} to {@code endpoint}, signed with the secrets valid at {@code now}. Blocks up to the timeout. */
    Response send(Event event, Endpoint endpoint, Instant now) {
        long timestamp = now.getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(endpoint.url()))
                    .timeout(timeout)
                    .header("content-type", "application/json")
                    .header("user-agent", USER_AGENT)
                    .header("webhook-id", event.id())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", Signature.header(endpoint.signingSecrets(now), event.id(), timestamp, event.body()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event.body()))
                    .build();
        } catch (IllegalArgumentException e) {
            return new Response(null, "cannot send to this url: " + e.getMessage());
        }
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request,
                info -> HttpResponse.BodySubscribers.fromSubscriber(new Snippet(), Snippet::text));
        try {
            HttpResponse<String> r = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int status = r.statusCode();
            return status / 100 == 2 ? new Response(status, null)
                    : new Response(status, "HTTP " + status + (r.body().isEmpty() ? "" : ": " + r.body()));
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Response(null, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Response(null, why(e.getCause()));
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            return new Response(null, "interrupted while sending (the node was stopping)");
        }
    }

    private String why(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "no connection within " + timeout.toMillis() + " ms";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer within " + timeout.toMillis() + " ms";
            }
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + oneLine(m));
    }

    static String oneLine(String s) {
        String t = s.strip().replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "?");
        return t.length() > SNIPPET_BYTES ? t.substring(0, SNIPPET_BYTES) + "…" : t;
    }

    @Override
    public void close() {
        http.shutdownNow();
        executor.shutdownNow();
    }

    /** Keeps the first bytes of a body and lets the rest stream past, so a huge answer costs no memory. */
    private static final class Snippet implements Flow.Subscriber<List<ByteBuffer>> {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                int n = Math.min(b.remaining(), SNIPPET_BYTES + 1 - kept.size());
                if (n > 0) {
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    kept.write(bytes, 0, n);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            // the future fails with it; nothing to keep
        }

        @Override
        public void onComplete() {
        }

        String text() {
            String s = new String(kept.toByteArray(), StandardCharsets.UTF_8);
            return s.isBlank() ? "" : oneLine(s);
        }
    }
}
