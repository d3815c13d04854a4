/**
 * SQLite adapters of the store ports: one file in the data directory, WAL, a single group-committing writer
 * thread for every mutation, a small pool of read-only connections for everything else, and a click log
 * that turns each batch of clicks into one appended row, folded into click_days in the background. Depends
 * on the domain ports, {@code config}, sqlite-jdbc and Flyway.
 */
package dev.shortr.store.sqlite;
