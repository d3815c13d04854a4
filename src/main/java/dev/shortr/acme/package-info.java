/**
 * Certificates from an ACME CA (RFC 8555) over HTTP-01: the challenge answered by this node's own router, the
 * account and certificates kept in the data directory, renewal before expiry. The TLS listener serves what it
 * writes by watching the files. Depends on acme4j, BouncyCastle (through it), config and http; never on tls.
 */
package dev.shortr.acme;
