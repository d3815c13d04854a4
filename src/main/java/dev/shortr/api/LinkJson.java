package dev.shortr.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shortr.link.Link;
import dev.shortr.link.LinkPatch;
import dev.shortr.link.LinkSpec;
import java.util.Optional;
import java.util.Set;

/** The JSON shape of a link, in and out. Field names are part of the public API: keep them stable. */
final class LinkJson {
    static final Set<String> CREATE_FIELDS = Set.of("track", "url", "code", "redirect", "cacheSeconds", "forwardQuery",
            "expiresAt", "maxClicks", "tags", "title", "reuse", "cdnSeconds");
    static final Set<String> PATCH_FIELDS = Set.of("track", "url", "redirect", "cacheSeconds", "forwardQuery", "expiresAt",
            "maxClicks", "tags", "title", "disabled", "cdnSeconds");

    private LinkJson() {}

    /** The URL that redirects to {@code l}: what the JSON shows and what a QR code of the link encodes. */
    static String shortUrl(Link l, String baseUrl) {
        return baseUrl + "/" + l.code().value();
    }

    /**
     * What a redirect of {@code l} depends on: url, redirect, cacheSeconds, cdnSeconds, forwardQuery, expiresAt,
     * maxClicks.
     */
    static void putRedirect(ObjectNode n, Link l) {
        n.put("url", l.target().value());
        n.put("redirect", l.redirect().status());
        if (l.cacheSeconds() == null) {
            n.putNull("cacheSeconds");
        } else {
            n.put("cacheSeconds", l.cacheSeconds());
        }
        if (l.cdnSeconds() == null) {
            n.putNull("cdnSeconds");
        } else {
            n.put("cdnSeconds", l.cdnSeconds());
        }
        n.put("forwardQuery", l.forwardQuery());
        n.put("expiresAt", l.expiresAt() == null ? null : l.expiresAt().toString());
        if (l.maxClicks() == null) {
            n.putNull("maxClicks");
        } else {
            n.put("maxClicks", l.maxClicks());
        }
    }

    static ObjectNode render(Link l, String baseUrl) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("code", l.code().value());
        n.put("shortUrl", shortUrl(l, baseUrl));
        putRedirect(n, l);
        ArrayNode tags = n.putArray("tags");
        l.tags().forEach(tags::add);
        n.put("title", l.title());
        n.put("disabled", l.disabled());
        n.put("track", l.track());
        n.put("createdAt", l.createdAt().toString());
        n.put("updatedAt", l.updatedAt().toString());
        return n;
    }

    static LinkSpec spec(ObjectNode o) {
        Json.onlyFields(o, CREATE_FIELDS);
        return new LinkSpec(Json.string(o, "url"), Json.string(o, "code"), Json.integer(o, "redirect"),
                Json.integer(o, "cacheSeconds"), Json.bool(o, "forwardQuery"), Json.instant(o, "expiresAt"),
                Json.longValue(o, "maxClicks"), Json.strings(o, "tags"), Json.string(o, "title"), Json.bool(o, "reuse"),
                Json.bool(o, "track"), Json.integer(o, "cdnSeconds"));
    }

    /** JSON merge patch (RFC 7396): absent leaves a field, null clears it where clearing makes sense. */
    static LinkPatch patch(ObjectNode o) {
        Json.onlyFields(o, PATCH_FIELDS);
        for (String required : new String[] {"url", "redirect", "forwardQuery", "disabled", "track"}) {
            if (o.has(required) && o.get(required).isNull()) {
                throw Json.invalid(required, required + " cannot be cleared");
            }
        }
        return new LinkPatch(
                Json.string(o, "url"),
                Json.integer(o, "redirect"),
                o.has("cacheSeconds") ? Optional.ofNullable(Json.integer(o, "cacheSeconds")) : null,
                Json.bool(o, "forwardQuery"),
                o.has("expiresAt") ? Optional.ofNullable(Json.instant(o, "expiresAt")) : null,
                o.has("maxClicks") ? Optional.ofNullable(Json.longValue(o, "maxClicks")) : null,
                o.has("tags") ? Optional.ofNullable(Json.strings(o, "tags")).orElse(java.util.List.of()) : null,
                o.has("title") ? Optional.ofNullable(Json.string(o, "title")) : null,
                Json.bool(o, "disabled"),
                Json.bool(o, "track"),
                o.has("cdnSeconds") ? Optional.ofNullable(Json.integer(o, "cdnSeconds")) : null);
    }
}
