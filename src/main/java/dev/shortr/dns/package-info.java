/**
 * The traffic director: an authoritative DNS server for the short domain. Answer-building ({@link
 * dev.shortr.dns.Answerer}) is a pure function of the zone, site health and the query; the socket loop, the health
 * checks and the rate limiter sit around it. Depends on dns.zone, dnsjava, Netty and Jackson; never on links or HTTP routes.
 */
package dev.shortr.dns;
