package org.plasmid.core.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh schema on the test PostgreSQL ({@code -Dplasmid.pg.url}, default
 * {@value #DEFAULT_URL}), dropped with everything in it on {@link #close()}. Tests never touch the
 * server's configuration, only their own schema.
 */
public final class TestPostgres implements AutoCloseable {
    /** The PostgreSQL every session and CI machine runs (trust authentication). */
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String baseUrl;
    private final String schema;
    private HikariDataSource pool;

    private TestPostgres(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    /** @return the base URL (no schema) */
    public static String baseUrl() {
        return System.getProperty("plasmid.pg.url", DEFAULT_URL);
    }

    /**
     * Creates a new, empty schema.
     *
     * @return it; close it to drop it
     * @throws SQLException if PostgreSQL cannot be reached (start it: .ci/run does)
     */
    public static TestPostgres freshSchema() throws SQLException {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        String schema = "plasmid_test_" + HexFormat.of().formatHex(id);
        try (Connection c = DriverManager.getConnection(baseUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return new TestPostgres(baseUrl(), schema);
    }

    /** @return the schema's name */
    public String schema() {
        return schema;
    }

    /** @return a JDBC URL whose connections use the schema */
    public String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** @return a (non-pooling) data source whose connections use the schema */
    public DataSource simpleDataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url());
        return ds;
    }

    /** @return a pool (HikariCP, at most 8 connections) whose connections use the schema; closed with this */
    public synchronized DataSource dataSource() {
        if (pool == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url());
            config.setMaximumPoolSize(8);
            config.setMinimumIdle(0);
            config.setPoolName("test-" + schema);
            pool = new HikariDataSource(config);
        }
        return pool;
    }

    /** Closes the pool, drops the schema and everything in it. */
    @Override
    public synchronized void close() throws SQLException {
        if (pool != null) {
            pool.close();
        }
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
