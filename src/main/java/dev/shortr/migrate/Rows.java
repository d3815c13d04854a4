package dev.shortr.migrate;

import dev.shortr.auth.ApiKey;
import dev.shortr.auth.Scope;
import dev.shortr.link.Change;
import dev.shortr.link.Link;
import java.util.HexFormat;
import java.util.stream.Collectors;

/** The text a row is compared by: the same row gives the same text in any store. */
final class Rows {
    private Rows() {
    }

    static String of(Link l) {
        return "link " + l.id() + " " + l.code().value() + " " + l.seq() + " " + l.target().value() + " " + l.target().host()
                + " " + l.redirect().status() + " " + l.cacheSeconds() + " " + l.forwardQuery() + " " + l.expiresAt() + " "
                + l.maxClicks() + " " + l.disabled() + " " + l.track() + " " + l.createdAt() + " " + l.updatedAt() + " "
                + l.owner() + " " + l.tags() + " " + l.title() + " " + l.cdnSeconds();
    }

    static String of(Change.Row r) {
        return "change " + r.seq() + " " + r.kind() + " " + r.code().value() + " " + r.linkId() + " " + r.at();
    }

    static String of(ApiKey k) {
        return "key " + k.id() + " " + k.scopes().stream().map(Scope::wire).sorted().collect(Collectors.joining(",")) + " "
                + k.prefix() + " " + HexFormat.of().formatHex(k.hash()) + " " + k.createdAt() + " " + k.revokedAt() + " " + k.name();
    }
}
