package dev.shortr.dns;

import dev.shortr.dns.zone.Site;

/** Whether a site may be answered. Read at query time, written only by the background checks. */
@FunctionalInterface
public interface SiteHealth {
    boolean up(Site site);

    /** Every site up: no checks (tests, and the configured state before the first checks finish). */
    SiteHealth ALL_UP = site -> true;
}
