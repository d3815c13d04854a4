/**
 * Copying a whole store into another (shortr migrate): links with their ids and change feed, API keys, click
 * counters, analytics and the visit log, resumable, then verified with counts and checksums. Works on the store
 * ports only, so any pair of adapters can be copied; depends on the link, auth, visit and analytics packages.
 */
package dev.shortr.migrate;
