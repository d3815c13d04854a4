package dev.shortr.webhook;

import dev.shortr.link.DomainBlocklist;
import dev.shortr.link.InvalidInputException;
import dev.shortr.link.TargetUrl;
import java.net.InetAddress;
import java.net.URI;

/**
 * Where an endpoint receives events: an absolute http(s) URL with a host, without credentials or a fragment.
 * The rules of a link target apply (no whitespace or control characters, a valid host and port, IDN hosts in
 * punycode), plus a shorter bound, since the URL is shown in listings and logs. Unless private addresses are
 * allowed, a new URL must not name a {@link SpecialAddress} or {@code localhost} either; host names are checked
 * when a delivery resolves them.
 */
final class WebhookUrl {
    static final int MAX_LENGTH = 2048;
    /** The end of every refusal of a private address, when an endpoint is saved and when a delivery is sent. */
    static final String ALLOW_PRIVATE =
            "set webhooks.allowPrivate: true to send webhooks to loopback, private and link-local addresses";

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

    /**
     * Refuses a URL (as {@link #parse} returns it) whose host is {@code localhost} or a literal address in a
     * {@link SpecialAddress} range.
     *
     * @throws InvalidInputException for field {@code url}, naming the setting that would allow it
     */
    static void requirePublic(String url) {
        String host = URI.create(url).getHost();
        if (SpecialAddress.isLocalhostName(host)) {
            throw new InvalidInputException("url", "url host " + host + " is the local machine; " + ALLOW_PRIVATE);
        }
        InetAddress address = SpecialAddress.literal(host);
        if (address != null) {
            SpecialAddress.of(address).ifPresent(range -> {
                throw new InvalidInputException("url", "url host " + host + " is " + range.description + "; " + ALLOW_PRIVATE);
            });
        }
    }
}
