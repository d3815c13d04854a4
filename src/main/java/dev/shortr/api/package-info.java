/**
 * The REST API under {@code /api/v1}: links, bulk create, stats, keys, plus the operational endpoints.
 * A thin adapter over {@link dev.shortr.link.Links} and friends: parse, authorise, rate-limit, render.
 * Depends on link, visit, auth, http, Jackson and Bucket4j.
 */
package dev.shortr.api;
