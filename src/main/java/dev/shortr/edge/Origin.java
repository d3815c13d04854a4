package dev.shortr.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The origin as an edge sees it: its change feed ({@code GET /api/v1/changes}) and snapshot
 * ({@code GET /api/v1/changes/snapshot}), read with a key holding the {@code replication} scope.
 */
public final class Origin implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A page of the feed, or the news that the cursor cannot be followed and the replica must start again. */
    sealed interface Feed {
        record Page(JsonNode changes, long next, long last) implements Feed {}

        /** 410 (compacted past the cursor) or 409 (cursor ahead: another store, or a restore). */
        record Resync(String why) implements Feed {}
    }

    /** The origin answered with something an edge cannot go on from (401, 403, 5xx). */
    static final class Refused extends IOException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final URI base;
    private final String key;
    private final HttpClient http;

    /** One HTTP client to the origin, shared by everything an edge asks of it; closed with the edge. */
    public Origin(URI base, String key) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.key = key;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    URI base() {
        return base;
    }

    /** Changes after {@code after}, waiting up to {@code wait} for the first one. */
    Feed changes(long after, int limit, Duration wait) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = get("/api/v1/changes?after=" + after + "&limit=" + limit + "&wait=" + wait.toSeconds(),
                wait.plusSeconds(10));
        if (r.statusCode() == 410 || r.statusCode() == 409) {
            return new Feed.Resync(detail(r));
        }
        JsonNode body = ok(r);
        return new Feed.Page(body.path("changes"), body.path("next").asLong(after), body.path("last").asLong(after));
    }

    /** One page of the snapshot; {@code cursor} null for the first. */
    JsonNode snapshot(String cursor, int limit) throws IOException, InterruptedException {
        String q = "/api/v1/changes/snapshot?limit=" + limit
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        return ok(get(q, Duration.ofSeconds(30)));
    }

    /** One link in the replica's shape, or null when the origin has no such code. */
    JsonNode link(String code, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = get("/api/v1/changes/links/" + URLEncoder.encode(code, StandardCharsets.UTF_8), timeout);
        return r.statusCode() == 404 ? null : ok(r);
    }

    /** Outcome of shipping a click batch. */
    enum Shipped { ADDED, SEEN_BEFORE, REJECTED }

    /** Posts one click batch with its idempotency key; I/O errors and 5xx throw (retry later). */
    Shipped clicks(String idempotencyKey, byte[] body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/clicks")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey).header("User-Agent", "shortr-edge")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() == 200) {
            return JSON.readTree(r.body()).path("added").asBoolean() ? Shipped.ADDED : Shipped.SEEN_BEFORE;
        }
        if (r.statusCode() == 400 || r.statusCode() == 413 || r.statusCode() == 422) {
            return Shipped.REJECTED; // this batch will never be taken: keep it aside, do not block the ones after it
        }
        throw new Refused(r.statusCode(), "origin answered " + r.statusCode() + " to a click batch: " + detail(r));
    }

    private HttpResponse<byte[]> get(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
                .header("Authorization", "Bearer " + key).header("Accept", "application/json")
                .header("User-Agent", "shortr-edge").GET().build();
        return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode ok(HttpResponse<byte[]> r) throws IOException {
        if (r.statusCode() != 200) {
            throw new Refused(r.statusCode(), "origin answered " + r.statusCode() + ": " + detail(r));
        }
        return JSON.readTree(r.body());
    }

    private static String detail(HttpResponse<byte[]> r) {
        try {
            JsonNode p = JSON.readTree(r.body());
            return p.path("detail").asText(p.path("title").asText("HTTP " + r.statusCode()));
        } catch (IOException | RuntimeException e) {
            return "HTTP " + r.statusCode();
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
