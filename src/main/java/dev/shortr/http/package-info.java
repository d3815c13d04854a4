/**
 * HTTP transport on Netty: the listener, a small router (method + path pattern to handler), request body
 * limits, RFC 9457 problems and content negotiation. Knows nothing about links; the redirect tier plugs in
 * through {@link dev.shortr.http.FastPath}. Depends on Netty, Jackson and java.base.
 */
package dev.shortr.http;
