package dev.shortr.webhook;

import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.InvalidInputException;
import dev.shortr.link.TargetUrl;
import java.net.URI;

/**
 * Where an endpoint receives events: an absolute http(s) URL with a host, without credentials or a fragment.
 * The rules of a link target apply (no whitespace or control characters, a valid host and port, IDN hosts in
 * punycode), plus a shorter bound, since the URL is shown in listings and logs.
 */
final class WebhookUrl {
    static final int MAX_LENGTH = 2048;

    private WebhookUrl() {}

    /**
     * The normalised form of {@code raw}.
     *
     * @throws InvalidInputException for field {@code url}, saying what is wrong
     */
    static String parse(String raw) {
        if (raw != null && raw.strip().length() > MAX_LENGTH) {
            throw new InvalidInputException("url", "url must be at most " + MAX_LENGTH + " characters");
        }
        String url = TargetUrl.parse(raw, DomainBlocklist.NONE).value();
        URI uri = URI.create(url); // TargetUrl.parse has checked that it parses
        if (uri.getRawFragment() != null) {
            throw new InvalidInputException("url", "url must not have a fragment (#...): it is never sent to the receiver");
        }
        return url;
    }
}
