package dev.shortr.store.sqlite;

import java.sql.SQLException;

/** Something done with one connection: a read on a pooled reader, or one unit of a group commit. */
@FunctionalInterface
interface Work<T> {
    T run(Session s) throws SQLException;
}
