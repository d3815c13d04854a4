package dev.shortr.cdn;

import java.util.List;

/** Port to one place that keeps copies of redirects: a Varnish, a CDN's purge API. */
interface PurgeTarget {
    /** Names it in cursors, metrics and logs ({@code varnish http://10.0.0.5:6081}); stable across restarts. */
    String name();

    /**
     * Drops every copy of the redirects of {@code codes} (distinct link codes, at most {@link PurgeCourier#BATCH}),
     * whatever their query string: all or nothing, as far as the caller can tell, so a failure is retried whole.
     */
    Sent purge(List<String> codes);
}
