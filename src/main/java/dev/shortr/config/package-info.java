/**
 * Configuration: an immutable record tree loaded once from YAML, then {@code SHORTR_*} environment
 * variables, then command-line flags, and validated as a whole before any socket opens; records check
 * their own rules too, so an invalid config cannot exist. The only place that reads the environment.
 * Depends on Jackson (YAML) only.
 */
package dev.shortr.config;
