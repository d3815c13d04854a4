/**
 * The edge: a point of presence that keeps a persistent local replica of the origin's links, fed by the origin's
 * change feed, and serves redirects from it through the same redirect tier as the origin, whether or not the origin
 * answers. Depends on link, Jackson and the JDK's HTTP client; never on the API or the HTTP server.
 */
package dev.shortr.edge;
