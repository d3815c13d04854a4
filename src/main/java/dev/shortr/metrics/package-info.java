/**
 * Prometheus metrics through Micrometer: HTTP requests by route and status, redirect cache and click
 * pipeline figures, store latency, JVM. Reads numbers other packages expose; nothing depends on it but app.
 */
package dev.shortr.metrics;
