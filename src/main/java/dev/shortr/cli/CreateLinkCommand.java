package dev.shortr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code shortr links create URL}: {@code POST /api/v1/links}. Options left out take the server's defaults. */
@Command(name = "create", description = "Shorten a URL.")
final class CreateLinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "URL", description = "The http:// or https:// URL to shorten.")
    String url;

    @Option(names = "--code", paramLabel = "ALIAS", description = "A custom code instead of a random one.")
    String code;

    @Option(names = "--redirect", paramLabel = "STATUS", converter = RedirectStatus.class,
            description = "301, 302, 307 or 308 (server default 302). 301 and 308 are cached by browsers.")
    Integer redirect;

    @Option(names = "--cache-seconds", paramLabel = "N", description = "How long browsers may cache the redirect.")
    Integer cacheSeconds;

    @Option(names = "--cdn-seconds", paramLabel = "N",
            description = "Behind a CDN (cdn.enabled): how long it may keep the redirect (s-maxage); 0: never.")
    Integer cdnSeconds;

    @Option(names = "--expires", paramLabel = "TIME", converter = Expiry.class,
            description = "When the link stops working: 2026-12-31T23:59:59Z, or a date (its start, UTC).")
    Instant expires;

    @Option(names = "--max-clicks", paramLabel = "N", description = "The link stops working after N clicks.")
    Long maxClicks;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag; repeat for more.")
    List<String> tags;

    @Option(names = "--title", paramLabel = "TITLE", description = "A title for listings.")
    String title;

    @Option(names = "--forward-query", description = "Append the short URL's query string to the target.")
    Boolean forwardQuery;

    @Option(names = "--no-track", description = "Count clicks but record nothing about the visitors (no referrer, place, agent or uniques).")
    boolean noTrack;

    @Option(names = "--reuse", description = "Return an existing link to the same URL instead of creating another.")
    boolean reuse;

    @Override
    public Integer call() {
        ObjectNode body = ApiClient.JSON.createObjectNode().put("url", url);
        putIfSet(body, "code", code);
        putIfSet(body, "redirect", redirect);
        putIfSet(body, "cacheSeconds", cacheSeconds);
        putIfSet(body, "cdnSeconds", cdnSeconds);
        putIfSet(body, "expiresAt", expires);
        putIfSet(body, "maxClicks", maxClicks);
        if (tags != null) {
            tags.forEach(body.putArray("tags")::add);
        }
        putIfSet(body, "title", title);
        putIfSet(body, "forwardQuery", forwardQuery);
        if (noTrack) {
            body.put("track", false);
        }
        if (reuse) {
            body.put("reuse", true);
        }
        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.post(LinksCommand.LINKS, body);
            if (client.json) {
                spec.commandLine().getOut().println(r.body());
            } else {
                spec.commandLine().getOut().println((r.status() == 200 ? "reused " : "created ") + LinkText.line(r.json()));
            }
        }
        return 0;
    }

    static void putIfSet(ObjectNode body, String field, Object value) {
        if (value != null) {
            body.set(field, ApiClient.JSON.valueToTree(value instanceof Instant i ? i.toString() : value));
        }
    }

    /** Only the statuses a redirect may have; anything else is a usage error before any request. */
    static final class RedirectStatus implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return switch (value.strip()) {
                case "301", "302", "307", "308" -> Integer.valueOf(value.strip());
                default -> throw new TypeConversionException("expected 301, 302, 307 or 308, got '" + value + "'");
            };
        }
    }

    /** An RFC 3339 instant, an offset date-time, or a date meaning its first moment in UTC. */
    static final class Expiry implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String v = value.strip();
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException e2) {
                    throw new TypeConversionException("expected a time such as 2026-12-31T23:59:59Z or a date such as 2026-12-31, got '"
                            + value + "'");
                }
            }
        }
    }
}
