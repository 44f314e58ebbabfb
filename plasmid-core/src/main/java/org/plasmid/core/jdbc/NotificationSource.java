package org.plasmid.core.jdbc;

import java.sql.SQLException;
import java.util.List;

/**
 * Delivers PostgreSQL notifications ({@code LISTEN}) to a {@link JdbcStorage}, so that a push on one node
 * wakes the long-polls waiting on another at once, and a revocation reaches every node at once. Receiving
 * them needs the JDBC driver's own API, so it lives behind this small hook: {@link PgNotifications} for
 * the PostgreSQL driver. Without one, nodes learn of each other's changes at the storage's next re-check.
 */
public interface NotificationSource {
    /**
     * Starts listening on a channel, on a connection of its own (a listening connection is held for as
     * long as the listening lasts).
     *
     * @param channel the channel
     * @return the listening, to be closed when done
     * @throws SQLException if the database cannot be reached
     */
    Listening listen(String channel) throws SQLException;

    /** One listening connection. */
    interface Listening extends AutoCloseable {
        /**
         * Waits for notifications.
         *
         * @param timeoutMillis the longest wait
         * @return the payloads received, in order; empty if none came in time
         * @throws SQLException if the connection failed (the caller listens again, on a new one)
         */
        List<String> await(long timeoutMillis) throws SQLException;

        /** Ends the listening and releases its connection. */
        @Override
        void close();
    }
}
