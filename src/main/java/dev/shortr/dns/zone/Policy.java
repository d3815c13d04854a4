package dev.shortr.dns.zone;

/** How a steered name picks sites from its pool. */
public enum Policy {
    /** A weighted random pick among healthy sites. */
    WEIGHTED,
    /** Healthy sites in the client's region; else the nearest region that has one. */
    GEO,
    /** The healthy sites closest to the client by great-circle distance. */
    NEAREST,
    /** The first healthy site in the pool's order. */
    FAILOVER
}
