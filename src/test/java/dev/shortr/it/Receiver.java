package dev.shortr.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a loopback port that does what docs/webhooks.md tells receivers to do, written apart from
 * shortr's own signing code: it checks {@code webhook-signature} against the secret of the path it was posted to
 * (answering 401 when no signature matches) and the timestamp's age. Each path can fail on purpose: answer 500 to
 * the first N attempts of every event id, or 503 to everything while "down", and every answer can be slow. Every
 * arrival is recorded.
 */
final class Receiver implements AutoCloseable {
    /** One request: what came, whether it was signed right, and the status it was answered with. */
    record Arrival(String path, String id, long timestamp, String type, String body, boolean signedRight, int status) {
        JsonNode json() {
            return TestNode.parse(body);
        }
    }

    private static final long TOLERANCE_SECONDS = 5 * 60;

    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    private final HttpServer server;
    private volatile int failFirst;
    private volatile boolean down;
    private volatile long delayMillis;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Signatures of requests to {@code path} are checked against {@code secret} ({@code whsec_...}). */
    Receiver secret(String path, String secret) {
        secrets.put(path, secret);
        return this;
    }

    /** The first {@code n} attempts of every event id are answered with 500. */
    Receiver failFirst(int n) {
        failFirst = n;
        return this;
    }

    /** While down, every request is answered with 503. */
    Receiver down(boolean down) {
        this.down = down;
        return this;
    }

    /** Every answer waits this long first, so that attempts are in flight for a while. */
    Receiver delay(Duration delay) {
        this.delayMillis = delay.toMillis();
        return this;
    }

    List<Arrival> accepted() {
        return arrivals.stream().filter(a -> a.status() / 100 == 2).toList();
    }

    List<Arrival> of(String id) {
        return arrivals.stream().filter(a -> a.id().equals(id)).toList();
    }

    private void handle(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        String path = x.getRequestURI().getPath();
        String id = x.getRequestHeaders().getFirst("webhook-id");
        String ts = x.getRequestHeaders().getFirst("webhook-timestamp");
        String signatures = x.getRequestHeaders().getFirst("webhook-signature");
        boolean json = "application/json".equals(x.getRequestHeaders().getFirst("content-type"));
        long timestamp = ts == null || !ts.matches("\\d{1,12}") ? -1 : Long.parseLong(ts);
        boolean fresh = Math.abs(System.currentTimeMillis() / 1000 - timestamp) <= TOLERANCE_SECONDS;
        boolean signedRight = id != null && json && fresh && signatures != null && secrets.containsKey(path)
                && verify(secrets.get(path), id, ts, body, signatures);
        int status;
        if (!signedRight) {
            status = 401;
        } else if (down) {
            status = 503;
        } else if (tries.computeIfAbsent(path + " " + id, k -> new AtomicInteger()).incrementAndGet() <= failFirst) {
            status = 500;
        } else {
            status = 204;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String type = signedRight ? TestNode.parse(text).path("type").asText() : "?";
        arrivals.add(new Arrival(path, String.valueOf(id), timestamp, type, text, signedRight, status));
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    /** Standard Webhooks: any {@code v1,<base64>} in the header equal to HMAC-SHA256(key, "id.timestamp.body"). */
    static boolean verify(String secret, String id, String timestamp, byte[] body, String header) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(body);
            for (String sig : header.split(" ")) {
                if (sig.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(sig.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
