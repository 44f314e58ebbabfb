package org.plasmid.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * {@link NotificationSource} on the PostgreSQL JDBC driver ({@code org.postgresql:postgresql}, an
 * optional dependency of plasmid-core: add it to use this class). Each listening holds one connection
 * from the given data source for as long as it lasts — count it when sizing a pool.
 */
public final class PgNotifications implements NotificationSource {
    private final DataSource dataSource;

    private PgNotifications(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param dataSource where the listening connection comes from (a pool, or a plain data source)
     * @return the source
     */
    public static PgNotifications from(DataSource dataSource) {
        return new PgNotifications(Objects.requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public Listening listen(String channel) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
            }
            return new PgListening(c, c.unwrap(PGConnection.class));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static final class PgListening implements Listening {
        /** Every so many empty waits, the connection is checked (a silent network cut shows no error). */
        private static final int CHECK_EVERY = 10;

        private final Connection connection;
        private final PGConnection pg;
        private int quiet;

        PgListening(Connection connection, PGConnection pg) {
            this.connection = connection;
            this.pg = pg;
        }

        @Override
        public List<String> await(long timeoutMillis) throws SQLException {
            PGNotification[] received = pg.getNotifications((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutMillis)));
            List<String> payloads = new ArrayList<>();
            if (received != null) {
                for (PGNotification n : received) {
                    payloads.add(n.getParameter());
                }
            }
            if (payloads.isEmpty() && ++quiet >= CHECK_EVERY) {
                quiet = 0;
                if (!connection.isValid(5)) {
                    throw new SQLException("the listening connection is no longer valid", "08006");
                }
            }
            return payloads;
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing a broken connection: nothing left to release
            }
        }
    }
}
