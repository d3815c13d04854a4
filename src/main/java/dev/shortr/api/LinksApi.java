package dev.shortr.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.auth.Scope;
import dev.shortr.http.HttpError;
import dev.shortr.http.Problem;
import dev.shortr.http.Reply;
import dev.shortr.http.Request;
import dev.shortr.http.Router;
import dev.shortr.link.Link;
import dev.shortr.link.LinkQuery;
import dev.shortr.link.LinkSpec;
import dev.shortr.link.Links;
import dev.shortr.link.Outcome;
import dev.shortr.link.Page;
import dev.shortr.link.ShortCode;
import dev.shortr.visit.ClickStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** {@code /api/v1/links}: create (one or bulk), list, get, update, delete, stats. */
public final class LinksApi {
    private static final int DEFAULT_LIMIT = 50;

    private final Links links;
    private final ClickStore clicks;
    private final Guard guard;
    private final String publicUrl;
    private final boolean anonymousCreate;

    LinksApi(Links links, ClickStore clicks, Guard guard, String publicUrl, boolean anonymousCreate) {
        this.links = links;
        this.clicks = clicks;
        this.guard = guard;
        this.publicUrl = publicUrl;
        this.anonymousCreate = anonymousCreate;
    }

    void routes(Router r) {
        r.add("POST", "/api/v1/links", "Create a short link", guard.requireOrAnonymous(Scope.LINKS_WRITE, anonymousCreate, this::create));
        r.add("POST", "/api/v1/links/bulk", "Create up to 1000 links", guard.require(Scope.LINKS_WRITE, this::bulk));
        r.add("GET", "/api/v1/links", "List links", guard.require(Scope.LINKS_READ, this::list));
        r.add("GET", "/api/v1/links/{code}", "Get a link", guard.require(Scope.LINKS_READ, this::get));
        r.add("PATCH", "/api/v1/links/{code}", "Update a link", guard.require(Scope.LINKS_WRITE, this::update));
        r.add("DELETE", "/api/v1/links/{code}", "Delete a link", guard.require(Scope.LINKS_WRITE, this::delete));
    }

    private Reply create(Request req, Caller caller) {
        LinkSpec spec = LinkJson.spec(Json.object(req));
        return switch (links.create(spec, caller.owner())) {
            case Outcome.Created c -> Json.reply(c.reused() ? 200 : 201, LinkJson.render(c.link(), req.baseUrl(publicUrl)))
                    .header("location", "/api/v1/links/" + c.link().code().value());
            case Outcome.AliasTaken t -> taken(t.code()).toReply(req.path());
            case Outcome.Invalid i -> invalid(i).toReply(req.path());
        };
    }

    private Reply bulk(Request req, Caller caller) {
        JsonNode body = Json.tree(req);
        JsonNode array = body.isObject() ? body.get("links") : body;
        if (body.isObject()) {
            Json.onlyFields((ObjectNode) body, java.util.Set.of("links"));
        }
        if (array == null || !array.isArray()) {
            throw Json.bad("expected {\"links\": [ ... ]} or a JSON array of links");
        }
        if (array.size() > Links.MAX_BULK) {
            throw new HttpError(Problem.of(413, "bulk-too-large", "Too many links", "at most " + Links.MAX_BULK + " links per request, got " + array.size()));
        }
        if (array.isEmpty()) {
            throw Json.bad("links must not be empty");
        }
        List<LinkSpec> specs = new ArrayList<>();
        List<Problem> early = new ArrayList<>();
        for (JsonNode item : array) {
            try {
                if (!item.isObject()) {
                    throw Json.bad("each link must be a JSON object");
                }
                specs.add(LinkJson.spec((ObjectNode) item));
                early.add(null);
            } catch (HttpError e) {
                specs.add(null);
                early.add(e.problem());
            }
        }
        List<LinkSpec> valid = specs.stream().filter(java.util.Objects::nonNull).toList();
        List<Outcome> outcomes = links.createAll(valid, caller.owner());
        ArrayNode items = Json.MAPPER.createArrayNode();
        int next = 0;
        boolean allCreated = true;
        for (int i = 0; i < specs.size(); i++) {
            ObjectNode item = items.addObject();
            Problem p = early.get(i);
            if (p == null) {
                Outcome o = outcomes.get(next++);
                switch (o) {
                    case Outcome.Created c -> {
                        item.put("status", c.reused() ? 200 : 201);
                        item.set("link", LinkJson.render(c.link(), req.baseUrl(publicUrl)));
                    }
                    case Outcome.AliasTaken t -> p = taken(t.code());
                    case Outcome.Invalid inv -> p = invalid(inv);
                }
            }
            if (p != null) {
                allCreated = false;
                item.put("status", p.status());
                item.set("problem", readTree(p.toJson(null)));
            }
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.set("items", items);
        return Json.reply(allCreated ? 200 : 207, out);
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply list(Request req, Caller caller) {
        int limit = intParam(req, "limit", DEFAULT_LIMIT);
        long after = cursor(req.param("cursor"));
        Instant from = time(req, "from", false);
        Instant to = time(req, "to", true);
        String owner = caller.admin() ? req.param("owner") : caller.owner();
        LinkQuery q = new LinkQuery(owner, emptyToNull(req.param("tag")), emptyToNull(req.param("q")), from, to, after, limit,
                oldestFirst(req.param("sort")));
        Page<Link> page = links.list(q);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode items = out.putArray("items");
        page.items().forEach(l -> items.add(LinkJson.render(l, req.baseUrl(publicUrl))));
        out.put("nextCursor", page.nextAfterId() == 0 ? null : encodeCursor(page.nextAfterId()));
        return Json.reply(200, out);
    }

    private Reply get(Request req, Caller caller) {
        Link l = visible(req, caller);
        return Json.reply(200, LinkJson.render(l, req.baseUrl(publicUrl)));
    }

    private Reply update(Request req, Caller caller) {
        Link current = visible(req, caller);
        var patch = LinkJson.patch(Json.object(req));
        return links.update(current.code(), patch)
                .map(l -> Json.reply(200, LinkJson.render(l, req.baseUrl(publicUrl))))
                .orElseGet(() -> notFound(current.code().value()).toReply(req.path()));
    }

    private Reply delete(Request req, Caller caller) {
        Link current = visible(req, caller);
        links.delete(current.code());
        return Reply.empty(204);
    }

    private Link visible(Request req, Caller caller) {
        return visible(links, req, caller);
    }

    /** The link named in the path, if {@code caller} may see it; 404 otherwise (existence is not leaked). */
    static Link visible(Links links, Request req, Caller caller) {
        String raw = req.pathParam("code");
        Optional<ShortCode> code = ShortCode.fromPath(raw);
        Optional<Link> link = code.flatMap(links::get)
                .filter(l -> caller.admin() || (caller.owner() != null && caller.owner().equals(l.owner())));
        return link.orElseThrow(() -> new HttpError(notFound(raw)));
    }

    private static Problem notFound(String code) {
        return Problem.of(404, "link-not-found", "Link not found", "no link with code '" + printable(code) + "'");
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static Problem taken(ShortCode code) {
        return Problem.of(409, "alias-taken", "Alias taken", "the code '" + code.value() + "' is already in use");
    }

    private static Problem invalid(Outcome.Invalid i) {
        return new Problem(400, "invalid-field", "Invalid field", i.reason(),
                List.of(new Problem.FieldError(i.field(), i.reason())), java.util.Map.of());
    }

    /** {@code sort}: {@code newest} (the default) or {@code oldest}, by creation. */
    private static boolean oldestFirst(String sort) {
        if (sort == null || sort.equals("newest")) {
            return false;
        }
        if (sort.equals("oldest")) {
            return true;
        }
        throw Json.invalid("sort", "sort must be 'newest' or 'oldest'");
    }

    private static int intParam(Request req, String name, int dflt) {
        String v = req.param(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw Json.invalid(name, name + " must be an integer");
        }
    }

    private static Instant time(Request req, String name, boolean endOfDay) {
        String v = req.param(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                LocalDate d = LocalDate.parse(v);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw Json.invalid(name, name + " must be a date (2026-01-31) or an RFC 3339 timestamp");
            }
        }
    }

    static String encodeCursor(long afterId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("id:" + afterId).getBytes(StandardCharsets.US_ASCII));
    }

    static long cursor(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.US_ASCII);
            if (!s.startsWith("id:")) {
                throw new IllegalArgumentException();
            }
            long id = Long.parseLong(s.substring(3));
            if (id <= 0) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw Json.invalid("cursor", "cursor is not valid; pass back the nextCursor of a previous page");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
