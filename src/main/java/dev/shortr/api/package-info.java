/**
 * The REST API under {@code /api/v1}: links, bulk create, QR codes, stats, keys, plus the operational endpoints.
 * A thin adapter over {@link dev.shortr.link.Links} and friends: parse, authorise, rate-limit, render.
 * Depends on link, visit, auth, http, Jackson, Bucket4j, and qrcodegen with java.awt.image and ImageIO (QR images).
 */
package dev.shortr.api;
