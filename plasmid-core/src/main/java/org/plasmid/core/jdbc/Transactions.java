package org.plasmid.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.spi.StorageException;

/**
 * Runs work on a connection of the {@link DataSource}, in a transaction, and turns every
 * {@link SQLException} into the SPI's {@link StorageException}: a database that cannot be reached, a
 * refused login or a cut connection is a storage failure the servlet answers 503, never a 500.
 */
final class Transactions {
    /** The work of a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final DataSource dataSource;

    Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} with auto-commit on (one statement, or reads that need no snapshot). */
    <T> T autoCommit(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return work.run(c);
        } catch (SQLException e) {
            throw failure(what, e, false);
        }
    }

    /**
     * Runs {@code work} in a transaction (READ COMMITTED, PostgreSQL's default) and commits it. A failure
     * before the commit rolls back (nothing written); a failure of the commit itself leaves the outcome
     * unknown.
     */
    <T> T write(String what, Work<T> work) {
        return transaction(what, null, work);
    }

    /** Runs {@code work} in a REPEATABLE READ, read-only transaction: one snapshot for all its reads. */
    <T> T snapshot(String what, Work<T> work) {
        return transaction(what, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", work);
    }

    private <T> T transaction(String what, @Nullable String setup, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result;
                try {
                    if (setup != null) {
                        try (Statement s = c.createStatement()) {
                            s.execute(setup);
                        }
                    }
                    result = work.run(c);
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
                try {
                    c.commit();
                } catch (SQLException e) {
                    throw failure(what, e, setup == null);
                }
                return result;
            } finally {
                restore(c);
            }
        } catch (SQLException e) {
            throw failure(what, e, false);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException again) {
            cause.addSuppressed(again);
        }
    }

    /** Leaves a pooled connection as the pool handed it out (in auto-commit mode). */
    private static void restore(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // the connection is broken: the pool finds out and drops it
        }
    }

    static StorageException failure(String what, SQLException e, boolean outcomeUnknown) {
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        return new StorageException(what + " failed: " + e.getMessage() + state, e, outcomeUnknown);
    }
}
