package dev.shortr.cdn;

import dev.shortr.config.CdnConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;

/**
 * Purges at one Varnish running {@code deploy/varnish/shortr.vcl} (or any VCL that does the same): for each link,
 * {@code PURGE /<code>} with {@code xkey: link-<code>}. With xkey the key drops every copy, whatever its query string
 * or host; a VCL without xkey that answers PURGE with {@code return (purge)} drops the URL {@code /<code>} alone.
 * Anything but 200 is a failure.
 */
final class VarnishPurge implements PurgeTarget {
    private final String base;
    private final HttpClient http;
    private final Duration timeout;

    /** @param base {@code http://host:port}, with or without a trailing slash */
    VarnishPurge(String base, HttpClient http, Duration timeout) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = http;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "varnish " + base;
    }

    @Override
    public Sent purge(List<String> codes) {
        for (String code : codes) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + code)).timeout(timeout)
                    .method("PURGE", HttpRequest.BodyPublishers.noBody())
                    .header("xkey", CdnConfig.key(code))
                    .build();
            Sent sent = Exchange.send(http, request, status -> status == 200);
            if (sent instanceof Sent.Failed f) {
                return new Sent.Failed("PURGE /" + code + ": " + f.why());
            }
        }
        return Sent.DONE;
    }
}
