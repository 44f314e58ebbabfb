package org.plasmid.core.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.plasmid.core.spi.StorageException;

/**
 * Creates the tables on first use and brings an older schema up to date, by the version recorded in
 * {@code plasmid_schema}: each version's script ({@code schema-N.sql} beside this class) runs once, in
 * one transaction with its version's row. Nodes starting at the same time take turns (a transaction-level
 * advisory lock per schema), so a migration never runs twice. A schema newer than this code is refused.
 */
final class Migrations {
    /** The schema version this code writes and reads. */
    static final int LATEST = 1;

    private Migrations() {
    }

    /**
     * @param c a connection in auto-commit mode; it is left in auto-commit mode
     * @return the schema the tables live in ({@code current_schema()})
     */
    static String run(Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            String schema = currentSchema(s);
            s.execute("SELECT pg_advisory_xact_lock(hashtext('plasmid-migrate:' || current_schema()))");
            s.execute("CREATE TABLE IF NOT EXISTS plasmid_schema (version integer NOT NULL)");
            int version;
            try (ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM plasmid_schema")) {
                r.next();
                version = r.getInt(1);
            }
            if (version > LATEST) {
                throw new StorageException("the tables in schema " + schema + " are of version " + version
                        + ", newer than this Plasmid Sync understands (" + LATEST + "): upgrade it", null);
            }
            for (int v = version + 1; v <= LATEST; v++) {
                for (String statement : statements(script(v))) {
                    s.execute(statement);
                }
                s.execute("INSERT INTO plasmid_schema (version) VALUES (" + v + ")");
            }
            c.commit();
            return schema;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static String currentSchema(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT current_schema()")) {
            r.next();
            String schema = r.getString(1);
            if (schema == null) {
                throw new StorageException("the connection has no schema to create tables in: create the schema "
                        + "named by currentSchema (or the search_path), or give an existing one", null);
            }
            return schema;
        }
    }

    private static String script(int version) {
        String name = "schema-" + version + ".sql";
        try (InputStream in = Migrations.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing beside " + Migrations.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script at semicolons that end a line; drops comments and blank statements. */
    static java.util.List<String> statements(String script) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                out.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
