package dev.shortr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shortr webhooks}: a client of {@code /api/v1/webhooks} on a running server (needs an admin key). */
@Command(name = "webhooks", description = "Create, list and delete webhook endpoints, read their delivery logs and send test events, "
        + "over a server's REST API (admin key).")
final class WebhooksCommand implements Callable<Integer> {
    static final String WEBHOOKS = "/api/v1/webhooks";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: create, list, delete, deliveries, test or rotate-secret");
    }

    @Command(name = "create", description = {"Add an endpoint. Prints its id and signing secret: the secret is shown only once.",
            "Events: link.created, link.updated, link.deleted, link.clicked, or * for all (the default)."})
    int create(@Mixin ClientOptions client,
               @Option(names = "--url", required = true, paramLabel = "URL", description = "Where events are posted (http or https).") String url,
               @Option(names = "--events", split = ",", paramLabel = "TYPE", description = "Comma-separated event types (default: *).")
               List<String> events,
               @Option(names = "--description", paramLabel = "TEXT", description = "What the endpoint is for.") String description,
               @Option(names = "--disabled", description = "Create it disabled: nothing is sent until it is enabled.") boolean disabled) {
        ObjectNode body = ApiClient.JSON.createObjectNode();
        body.put("url", url);
        if (events != null) {
            ArrayNode e = body.putArray("events");
            events.forEach(e::add);
        }
        if (description != null) {
            body.put("description", description);
        }
        if (disabled) {
            body.put("enabled", false);
        }
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.post(WEBHOOKS, body);
            if (client.json) {
                out().println(r.body());
                return 0;
            }
            JsonNode w = r.json();
            details(w);
            out().println("secret       " + Table.clean(w.path("secret").asText()));
            err().println("the secret is shown only once: store it where the receiver can read it");
        }
        return 0;
    }

    @Command(name = "list", description = "List every endpoint, oldest first.")
    int list(@Mixin ClientOptions client) {
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.get(WEBHOOKS);
            if (client.json) {
                out().println(r.body());
                return 0;
            }
            Table t = new Table("ID", "URL", "EVENTS", "ENABLED", "DESCRIPTION", "CREATED");
            for (JsonNode w : r.json().path("items")) {
                t.row(w.path("id").asText(), w.path("url").asText(), events(w), w.path("enabled").asBoolean() ? "yes" : "no",
                        w.path("description").isTextual() ? w.path("description").asText() : null, w.path("createdAt").asText());
            }
            if (t.isEmpty()) {
                err().println("no webhooks");
            } else {
                t.print(out());
            }
        }
        return 0;
    }

    @Command(name = "delete", description = "Delete an endpoint, with its pending deliveries and its delivery log.")
    int delete(@Mixin ClientOptions client, @Parameters(paramLabel = "ID", description = "The endpoint's id (wh_...).") String id) {
        try (ApiClient api = client.api()) {
            api.delete(ApiClient.path(WEBHOOKS, id, ""));
        }
        if (!client.json) {
            out().println("deleted " + Table.clean(id));
        }
        return 0;
    }

    @Command(name = "deliveries", description = "The delivery log of an endpoint, newest first: every event sent to it and how it went.")
    int deliveries(@Mixin ClientOptions client,
                   @Parameters(paramLabel = "ID", description = "The endpoint's id (wh_...).") String id,
                   @Option(names = "--limit", paramLabel = "N", description = "Deliveries per page, 1..1000 (server default 50).") Integer limit,
                   @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue where a previous page ended.") String cursor) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("limit", limit);
        params.put("cursor", cursor);
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.get(ApiClient.path(WEBHOOKS, id, "/deliveries") + ApiClient.query(params));
            if (client.json) {
                out().println(r.body());
                return 0;
            }
            JsonNode page = r.json();
            Table t = new Table("EVENT", "TYPE", "STATE", "ATTEMPTS", "STATUS", "NEXT ATTEMPT", "DELIVERED", "LAST ERROR");
            for (JsonNode d : page.path("items")) {
                t.row(d.path("eventId").asText(), d.path("type").asText(), d.path("state").asText(), d.path("attempts").asInt(),
                        text(d, "lastStatus"), text(d, "nextAttemptAt"), text(d, "deliveredAt"), text(d, "lastError"));
            }
            if (t.isEmpty()) {
                err().println("no deliveries");
            } else {
                t.print(out());
            }
            if (page.path("nextCursor").isTextual()) {
                err().println("more deliveries: add --cursor " + Table.clean(page.path("nextCursor").asText()));
            }
        }
        return 0;
    }

    @Command(name = "test", description = "Send the endpoint a webhook.test event; follow it with 'webhooks deliveries'.")
    int test(@Mixin ClientOptions client, @Parameters(paramLabel = "ID", description = "The endpoint's id (wh_...).") String id) {
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.post(ApiClient.path(WEBHOOKS, id, "/test"), ApiClient.JSON.createObjectNode());
            if (client.json) {
                out().println(r.body());
            } else {
                out().println("queued test event " + Table.clean(r.json().path("eventId").asText()) + " for " + Table.clean(id));
            }
        }
        return 0;
    }

    @Command(name = "rotate-secret", description = "Give the endpoint a new signing secret (printed once); the previous one "
            + "also signs for 24 hours.")
    int rotate(@Mixin ClientOptions client, @Parameters(paramLabel = "ID", description = "The endpoint's id (wh_...).") String id) {
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.post(ApiClient.path(WEBHOOKS, id, "/rotate-secret"), ApiClient.JSON.createObjectNode());
            if (client.json) {
                out().println(r.body());
            } else {
                out().println(Table.clean(r.json().path("secret").asText()));
            }
        }
        return 0;
    }

    private void details(JsonNode w) {
        PrintWriter out = out();
        out.println("id           " + Table.clean(w.path("id").asText()));
        out.println("url          " + Table.clean(w.path("url").asText()));
        out.println("events       " + Table.clean(events(w)));
        out.println("enabled      " + (w.path("enabled").asBoolean() ? "yes" : "no"));
        if (w.path("description").isTextual()) {
            out.println("description  " + Table.clean(w.path("description").asText()));
        }
    }

    private static String events(JsonNode w) {
        StringBuilder s = new StringBuilder();
        for (JsonNode e : w.path("events")) {
            s.append(s.isEmpty() ? "" : ",").append(e.asText());
        }
        return s.toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
