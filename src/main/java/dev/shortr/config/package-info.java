/**
 * Configuration: an immutable record tree loaded once from YAML, then {@code SHORTR_*} environment
 * variables, then command-line flags, and validated as a whole before any socket opens. The only place
 * that reads the environment.
 */
package dev.shortr.config;
