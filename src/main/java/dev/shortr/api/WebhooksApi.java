package dev.shortr.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.auth.Scope;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import dev.shortr.webhook.Delivery;
import dev.shortr.webhook.DeliveryPage;
import dev.shortr.webhook.Endpoint;
import dev.shortr.webhook.EventType;
import dev.shortr.webhook.Webhooks;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/webhooks}: endpoints that receive signed events (admin only), their delivery logs, test events
 * and secret rotation. A secret is shown in full when it is made (create, rotate-secret) and never again.
 */
final class WebhooksApi {
    private static final String BASE = "/api/v1/webhooks";
    private static final Set<String> CREATE_FIELDS = Set.of("url", "events", "description", "enabled");
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 1000;

    private final Webhooks webhooks;
    private final Guard guard;

    WebhooksApi(Webhooks webhooks, Guard guard) {
        this.webhooks = webhooks;
        this.guard = guard;
    }

    void routes(Router r) {
        r.add("POST", BASE, "Create a webhook endpoint", guard.require(Scope.ADMIN, this::create));
        r.add("GET", BASE, "List webhook endpoints", guard.require(Scope.ADMIN, this::list));
        r.add("GET", BASE + "/{id}", "Get a webhook endpoint", guard.require(Scope.ADMIN, this::get));
        r.add("PATCH", BASE + "/{id}", "Update a webhook endpoint", guard.require(Scope.ADMIN, this::update));
        r.add("DELETE", BASE + "/{id}", "Delete a webhook endpoint", guard.require(Scope.ADMIN, this::delete));
        r.add("GET", BASE + "/{id}/deliveries", "Delivery log of a webhook endpoint", guard.require(Scope.ADMIN, this::deliveries));
        r.add("POST", BASE + "/{id}/test", "Send a test event", guard.require(Scope.ADMIN, this::test));
        r.add("POST", BASE + "/{id}/rotate-secret", "Replace the signing secret", guard.require(Scope.ADMIN, this::rotate));
    }

    private Reply create(Request req, Caller caller) {
        ObjectNode body = Json.object(req);
        Json.onlyFields(body, CREATE_FIELDS);
        String url = Json.string(body, "url");
        if (url == null) {
            throw Json.invalid("url", "url is required");
        }
        List<String> events = Json.strings(body, "events");
        Boolean enabled = Json.bool(body, "enabled");
        String description = Json.string(body, "description");
        if (webhooks.list().size() >= Webhooks.MAX_ENDPOINTS) {
            throw new HttpError(Problem.of(409, "too-many-webhooks", "Too many webhooks",
                    "at most " + Webhooks.MAX_ENDPOINTS + " webhook endpoints; delete one first"));
        }
        Endpoint e = webhooks.create(url, events == null ? List.of(EventType.ALL) : events, description,
                enabled == null || enabled);
        return Json.reply(201, withSecret(e)).header("location", BASE + "/" + e.id()).header("cache-control", "no-store");
    }

    private Reply list(Request req, Caller caller) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        webhooks.list().forEach(e -> items.add(render(e)));
        return Json.reply(200, out);
    }

    private Reply get(Request req, Caller caller) {
        return Json.reply(200, render(endpoint(req)));
    }

    private Reply update(Request req, Caller caller) {
        String id = endpoint(req).id();
        ObjectNode body = Json.object(req);
        Json.onlyFields(body, CREATE_FIELDS);
        if (body.has("url") && body.get("url").isNull()) {
            throw Json.invalid("url", "url cannot be removed; give a new one or delete the webhook");
        }
        if (body.has("events") && body.get("events").isNull()) {
            throw Json.invalid("events", "events cannot be removed; give [\"*\"] for every event type");
        }
        if (body.has("enabled") && body.get("enabled").isNull()) {
            throw Json.invalid("enabled", "enabled must be true or false");
        }
        boolean clearDescription = body.has("description") && body.get("description").isNull();
        return webhooks.update(id, Json.string(body, "url"), Json.strings(body, "events"), Json.string(body, "description"),
                        clearDescription, Json.bool(body, "enabled"))
                .map(e -> Json.reply(200, render(e)))
                .orElseGet(() -> notFound(id).toReply(req.path()));
    }

    private Reply delete(Request req, Caller caller) {
        String id = req.pathParam("id");
        if (!webhooks.delete(id)) {
            throw new HttpError(notFound(id));
        }
        return Reply.empty(204);
    }

    private Reply deliveries(Request req, Caller caller) {
        String id = endpoint(req).id();
        int limit = limit(req);
        long before = LinksApi.cursor(req.param("cursor"));
        DeliveryPage page = webhooks.deliveries(id, before, limit);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        page.items().forEach(d -> items.add(render(d)));
        out.put("nextCursor", page.nextBeforeId() == 0 ? null : LinksApi.encodeCursor(page.nextBeforeId()));
        return Json.reply(200, out);
    }

    private Reply test(Request req, Caller caller) {
        Endpoint e = endpoint(req);
        if (!e.enabled()) {
            throw new HttpError(Problem.of(409, "webhook-disabled", "Webhook disabled",
                    "webhook '" + e.id() + "' is disabled; enable it to send it events"));
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("eventId", webhooks.sendTest(e));
        return Json.reply(202, out);
    }

    private Reply rotate(Request req, Caller caller) {
        String id = endpoint(req).id();
        return webhooks.rotateSecret(id)
                .map(e -> Json.reply(200, withSecret(e)).header("cache-control", "no-store"))
                .orElseGet(() -> notFound(id).toReply(req.path()));
    }

    private Endpoint endpoint(Request req) {
        String id = req.pathParam("id");
        return webhooks.find(id).orElseThrow(() -> new HttpError(notFound(id)));
    }

    private static int limit(Request req) {
        String v = req.param("limit");
        if (v == null || v.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the problem below says what is allowed
        }
        throw Json.invalid("limit", "limit must be an integer from 1 to " + MAX_LIMIT);
    }

    private static Problem notFound(String id) {
        String shown = id.length() > 80 ? id.substring(0, 80) + "…" : id;
        return Problem.of(404, "webhook-not-found", "Webhook not found",
                "no webhook with id '" + shown.replaceAll("\\p{Cntrl}", "?") + "'");
    }

    private static ObjectNode withSecret(Endpoint e) {
        ObjectNode n = render(e);
        n.put("secret", e.secret());
        return n;
    }

    private static ObjectNode render(Endpoint e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", e.id());
        n.put("url", e.url());
        ArrayNode events = n.putArray("events");
        e.events().forEach(events::add);
        n.put("enabled", e.enabled());
        n.put("description", e.description());
        n.put("createdAt", e.createdAt().toString());
        n.put("updatedAt", e.updatedAt().toString());
        return n;
    }

    private static ObjectNode render(Delivery d) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("eventId", d.eventId());
        n.put("type", d.type().wire());
        n.put("state", d.state().wire());
        n.put("attempts", d.attempts());
        if (d.lastStatus() == null) {
            n.putNull("lastStatus");
        } else {
            n.put("lastStatus", d.lastStatus());
        }
        n.put("lastError", d.lastError());
        n.put("lastAttemptAt", time(d.lastAttemptAt()));
        n.put("nextAttemptAt", d.state() == Delivery.State.PENDING ? time(d.nextAttemptAt()) : null);
        n.put("deliveredAt", time(d.deliveredAt()));
        n.put("createdAt", time(d.createdAt()));
        return n;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
