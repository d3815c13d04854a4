package dev.shortr.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-written stand-in for the shortr REST API on an ephemeral loopback port: canned answers by
 * "METHOD /path?query", and a record of every request it saw.
 */
final class FakeApi implements AutoCloseable {
    record Seen(String method, String uri, String authorization, String contentType, String body) {}

    private record Answer(int status, String contentType, byte[] body) {
        Answer(int status, String contentType, String body) {
            this(status, contentType, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final HttpServer server;

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FakeApi answer(String methodAndUri, int status, String json) {
        answers.put(methodAndUri, new Answer(status, "application/json", json));
        return this;
    }

    FakeApi problem(String methodAndUri, int status, String json) {
        answers.put(methodAndUri, new Answer(status, "application/problem+json", json));
        return this;
    }

    FakeApi raw(String methodAndUri, int status, String contentType, String body) {
        answers.put(methodAndUri, new Answer(status, contentType, body));
        return this;
    }

    FakeApi bytes(String methodAndUri, int status, String contentType, byte[] body) {
        answers.put(methodAndUri, new Answer(status, contentType, body));
        return this;
    }

    private void handle(HttpExchange x) throws IOException {
        String uri = x.getRequestURI().getRawPath() + (x.getRequestURI().getRawQuery() == null ? "" : "?" + x.getRequestURI().getRawQuery());
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(new Seen(x.getRequestMethod(), uri, x.getRequestHeaders().getFirst("Authorization"),
                x.getRequestHeaders().getFirst("Content-Type"), body));
        Answer a = answers.getOrDefault(x.getRequestMethod() + " " + uri, new Answer(404, "application/problem+json",
                "{\"type\":\"https://shortr.dev/problems/not-found\",\"title\":\"Not found\",\"status\":404,\"detail\":\"fake has no answer for "
                        + x.getRequestMethod() + " " + uri + "\"}"));
        byte[] bytes = a.body();
        x.getResponseHeaders().set("Content-Type", a.contentType());
        x.sendResponseHeaders(a.status(), a.status() == 204 ? -1 : bytes.length);
        if (a.status() != 204) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
