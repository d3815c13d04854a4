/**
 * PostgreSQL adapters of the store ports, for many nodes sharing one database: pgjdbc through a bounded HikariCP
 * pool, Flyway migrations in {@code db/migration/postgres}, link creates group-committed per node, batches sent as
 * arrays ({@code unnest}) in one statement, and a change feed whose sequence numbers commit in order. Depends on the
 * domain ports, {@code config}, pgjdbc, HikariCP and Flyway.
 */
package dev.shortr.store.postgres;
