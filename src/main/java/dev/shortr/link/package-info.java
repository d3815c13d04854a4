/**
 * The link domain: short codes, targets, redirect types and the {@link dev.shortr.link.LinkStore} port.
 * Depends on java.base only: no SQL, no sockets, no JSON.
 */
package dev.shortr.link;
