/**
 * The {@code shortr} command line (picocli): {@code serve}, local {@code keys} administration, and a REST client
 * for {@code links}. Every failure is one line on stderr and an exit code. May depend on every shortr package,
 * picocli and Jackson; reads the environment only through {@link dev.shortr.config.ConfigLoader}.
 */
package dev.shortr.cli;
