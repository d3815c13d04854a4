package dev.shortr.acme;

import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Router;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP-01 challenges of the order in progress (RFC 8555 §8.3): the CA fetches
 * {@code /.well-known/acme-challenge/<token>} and expects the key authorization. A token is answered only while
 * its challenge is pending; any other gets 404.
 */
final class Challenges {
    static final String PATH = "/.well-known/acme-challenge/{token}";
    /** Tokens are base64url (RFC 8555 §8.1); anything else is not ours and is not looked up. */
    private static final int MAX_TOKEN = 256;

    private final Map<String, String> pending = new ConcurrentHashMap<>();

    void routes(Router router) {
        router.add("GET", PATH, "ACME HTTP-01 challenge", req -> answer(req.pathParam("token")));
    }

    /** Answers {@code token} with {@code keyAuthorization} until {@link #withdraw} is called. */
    void publish(String token, String keyAuthorization) {
        pending.put(token, keyAuthorization);
    }

    void withdraw(String token) {
        pending.remove(token);
    }

    /** Challenges answered now. */
    int pending() {
        return pending.size();
    }

    Reply answer(String token) {
        String keyAuthorization = wellFormed(token) ? pending.get(token) : null;
        if (keyAuthorization == null) {
            return Problem.of(404, "not-found", "Not found", "no ACME challenge is pending for this token").toReply(
                    "/.well-known/acme-challenge/" + (wellFormed(token) ? token : ""));
        }
        return Reply.of(200, "text/plain", keyAuthorization.getBytes(StandardCharsets.US_ASCII))
                .header("cache-control", "no-store");
    }

    private static boolean wellFormed(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
