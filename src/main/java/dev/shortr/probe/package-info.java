/**
 * {@code shortr probe}: one visit to a short link, timed layer by layer (DNS, TCP, TLS, HTTP, or QUIC for HTTP/3),
 * and a diagnosis of the measurements ({@link dev.shortr.probe.Diagnosis}, a pure function) that follows the seed's
 * decision framework. Depends on dnsjava, JSSE, Netty (HTTP/2 and HTTP/3 codecs) and Jackson; never on the server.
 */
package dev.shortr.probe;
