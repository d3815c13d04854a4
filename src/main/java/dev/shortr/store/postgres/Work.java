package dev.shortr.store.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/** Something done with one pooled connection: a read, or the body of one transaction. */
@FunctionalInterface
interface Work<T> {
    T run(Connection c) throws SQLException;
}
