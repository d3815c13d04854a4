package dev.shortr.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.auth.ApiKey;
import dev.shortr.auth.ApiKeys;
import dev.shortr.auth.Scope;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@code /api/v1/keys}: mint, list and revoke API keys (admin only). */
final class KeysApi {
    private final ApiKeys keys;
    private final Guard guard;

    KeysApi(ApiKeys keys, Guard guard) {
        this.keys = keys;
        this.guard = guard;
    }

    void routes(Router r) {
        r.add("POST", "/api/v1/keys", "Create an API key", guard.require(Scope.ADMIN, this::create));
        r.add("GET", "/api/v1/keys", "List API keys", guard.require(Scope.ADMIN, this::list));
        r.add("DELETE", "/api/v1/keys/{id}", "Revoke an API key", guard.require(Scope.ADMIN, this::revoke));
    }

    private Reply create(Request req, Caller caller) {
        ObjectNode body = Json.object(req);
        Json.onlyFields(body, Set.of("name", "scopes"));
        String name = Json.string(body, "name");
        List<String> scopeNames = Json.strings(body, "scopes");
        if (name == null) {
            throw Json.invalid("name", "name is required");
        }
        if (scopeNames == null || scopeNames.isEmpty()) {
            throw Json.invalid("scopes", "scopes must list at least one of links:read, links:write, stats:read, replication, admin");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : scopeNames) {
            try {
                scopes.add(Scope.parse(s));
            } catch (IllegalArgumentException e) {
                throw Json.invalid("scopes", e.getMessage());
            }
        }
        ApiKeys.Minted m;
        try {
            m = keys.mint(name, scopes);
        } catch (IllegalArgumentException e) {
            throw Json.invalid("name", e.getMessage());
        }
        ObjectNode out = render(m.key());
        out.put("key", m.token());
        return Json.reply(201, out).header("cache-control", "no-store");
    }

    private Reply list(Request req, Caller caller) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        keys.list().forEach(k -> items.add(render(k)));
        return Json.reply(200, out);
    }

    private Reply revoke(Request req, Caller caller) {
        String id = req.pathParam("id");
        if (!keys.revoke(id)) {
            throw new HttpError(Problem.of(404, "key-not-found", "Key not found", "no active key with id '"
                    + id.replaceAll("[^A-Za-z0-9_-]", "?") + "'"));
        }
        return Reply.empty(204);
    }

    private static ObjectNode render(ApiKey k) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", k.id());
        n.put("name", k.name());
        ArrayNode s = n.putArray("scopes");
        k.scopes().stream().map(Scope::wire).sorted().forEach(s::add);
        n.put("prefix", k.prefix());
        n.put("createdAt", k.createdAt().toString());
        n.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
        return n;
    }
}
