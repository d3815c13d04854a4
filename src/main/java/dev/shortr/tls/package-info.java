/**
 * TLS termination for the HTTPS listener: PEM certificates (reloaded when they change, or a self-signed one for
 * development), SNI, ECDSA and RSA side by side, session tickets and cache, and OCSP stapling. Plugs into
 * {@code http} through {@link dev.shortr.http.TlsTermination}. Depends on Netty, BouncyCastle, config and http.
 */
package dev.shortr.tls;
