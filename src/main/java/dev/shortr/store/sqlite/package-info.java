/**
 * SQLite adapters of the store ports: one file in the data directory, WAL, a single group-committing writer
 * thread for every mutation and a small pool of read-only connections for everything else. Depends on the
 * domain ports, {@code config}, sqlite-jdbc and Flyway.
 */
package dev.shortr.store.sqlite;
