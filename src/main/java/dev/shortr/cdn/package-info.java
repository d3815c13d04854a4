/**
 * Behind a CDN: purges of a link's cached redirects when it is edited or deleted. A {@link dev.shortr.cdn.PurgeCourier}
 * per target (a Varnish, a purge API) follows the link change feed from a cursor kept in the store and moves it on
 * only once the purges of the changes before it went through, retrying with backoff. Depends on link and config only.
 */
package dev.shortr.cdn;
