/**
 * The redirect hot path: a Caffeine cache of pre-built redirect entries answered on the event loop, a
 * virtual-thread miss path that reads the {@link dev.shortr.link.LinkStore}, the public 404/410/preview
 * pages, and click hand-off to the bounded queue. Depends on link, visit, http and Netty; never on api.
 */
package dev.shortr.redirect;
