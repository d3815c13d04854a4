package dev.shortr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shortr links update CODE}: a JSON merge patch of only the options given. */
@Command(name = "update", description = "Change a link; fields not named stay as they are.")
final class UpdateLinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "CODE", description = "The short code.")
    String code;

    @Option(names = "--url", paramLabel = "URL", description = "A new target URL.")
    String url;

    @Option(names = "--redirect", paramLabel = "STATUS", converter = CreateLinkCommand.RedirectStatus.class,
            description = "301, 302, 307 or 308.")
    Integer redirect;

    @Option(names = "--cache-seconds", paramLabel = "N", description = "How long browsers may cache the redirect.")
    Integer cacheSeconds;

    @Option(names = "--cdn-seconds", paramLabel = "N",
            description = "Behind a CDN (cdn.enabled): how long it may keep the redirect (s-maxage); 0: never.")
    Integer cdnSeconds;

    @Option(names = "--no-cdn-seconds", description = "Back to the node's default CDN lifetime (cdn.sharedMaxAge).")
    boolean noCdnSeconds;

    @Option(names = "--expires", paramLabel = "TIME", converter = CreateLinkCommand.Expiry.class,
            description = "A new expiry: 2026-12-31T23:59:59Z, or a date (its start, UTC).")
    Instant expires;

    @Option(names = "--no-expiry", description = "Remove the expiry.")
    boolean noExpiry;

    @Option(names = "--max-clicks", paramLabel = "N", description = "A new click limit.")
    Long maxClicks;

    @Option(names = "--no-max-clicks", description = "Remove the click limit.")
    boolean noMaxClicks;

    @Option(names = "--tag", paramLabel = "TAG", description = "Replace the tags with these; repeat for more.")
    List<String> tags;

    @Option(names = "--no-tags", description = "Remove every tag.")
    boolean noTags;

    @Option(names = "--title", paramLabel = "TITLE", description = "A new title; an empty one removes it.")
    String title;

    @Option(names = "--disable", description = "Stop redirecting (answers 410) without deleting.")
    boolean disable;

    @Option(names = "--enable", description = "Redirect again.")
    boolean enable;

    @Option(names = "--track", negatable = true,
            description = "Record who clicks (referrer, place, agent, uniques), or with --no-track only count the clicks.")
    Boolean track;

    @Option(names = "--forward-query", negatable = true,
            description = "Append (or with --no-forward-query, stop appending) the short URL's query string.")
    Boolean forwardQuery;

    @Override
    public Integer call() {
        exclusive(expires != null, noExpiry, "--expires", "--no-expiry");
        exclusive(maxClicks != null, noMaxClicks, "--max-clicks", "--no-max-clicks");
        exclusive(tags != null, noTags, "--tag", "--no-tags");
        exclusive(disable, enable, "--disable", "--enable");
        exclusive(cdnSeconds != null, noCdnSeconds, "--cdn-seconds", "--no-cdn-seconds");

        ObjectNode patch = ApiClient.JSON.createObjectNode();
        CreateLinkCommand.putIfSet(patch, "url", url);
        CreateLinkCommand.putIfSet(patch, "redirect", redirect);
        CreateLinkCommand.putIfSet(patch, "cacheSeconds", cacheSeconds);
        CreateLinkCommand.putIfSet(patch, "cdnSeconds", cdnSeconds);
        if (noCdnSeconds) {
            patch.putNull("cdnSeconds");
        }
        CreateLinkCommand.putIfSet(patch, "expiresAt", expires);
        if (noExpiry) {
            patch.putNull("expiresAt");
        }
        CreateLinkCommand.putIfSet(patch, "maxClicks", maxClicks);
        if (noMaxClicks) {
            patch.putNull("maxClicks");
        }
        if (tags != null || noTags) {
            var array = patch.putArray("tags");
            if (tags != null) {
                tags.forEach(array::add);
            }
        }
        if (title != null) {
            if (title.isEmpty()) {
                patch.putNull("title");
            } else {
                patch.put("title", title);
            }
        }
        if (disable || enable) {
            patch.put("disabled", disable);
        }
        CreateLinkCommand.putIfSet(patch, "forwardQuery", forwardQuery);
        CreateLinkCommand.putIfSet(patch, "track", track);
        if (patch.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "nothing to update: name at least one field to change");
        }

        try (ApiClient api = client.api()) {
            ApiClient.Response r = api.patch(ApiClient.path(LinksCommand.LINKS, code, ""), patch);
            if (client.json) {
                spec.commandLine().getOut().println(r.body());
            } else {
                spec.commandLine().getOut().println("updated " + LinkText.line(r.json()));
            }
        }
        return 0;
    }

    private void exclusive(boolean a, boolean b, String nameA, String nameB) {
        if (a && b) {
            throw new ParameterException(spec.commandLine(), nameA + " and " + nameB + " contradict each other; give one");
        }
    }
}
