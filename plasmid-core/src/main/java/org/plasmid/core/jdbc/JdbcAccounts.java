package org.plasmid.core.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;

/**
 * Credentials and grants of {@link JdbcStorage}. Every change raises the accounts' version and notifies
 * the other nodes in the same transaction, so their caches of grants are dropped within a re-check
 * interval at worst (a revocation is a security boundary).
 */
final class JdbcAccounts {
    private static final String GRANT_COLUMNS = "access, permission, resource, value, delegator";

    private final Transactions tx;
    private final String channel;

    JdbcAccounts(Transactions tx, String channel) {
        this.tx = tx;
        this.channel = channel;
    }

    Optional<Credential> credential(String access) {
        return tx.autoCommit("reading a credential", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT salt, hash, iterations, guest FROM plasmid_credentials WHERE access = ?")) {
                ps.setString(1, access);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? Optional.of(new Credential(access, r.getBytes(1), r.getBytes(2), r.getInt(3),
                            r.getBoolean(4))) : Optional.empty();
                }
            }
        });
    }

    boolean create(Credential credential, List<Grant> grants, @Nullable String database, long databaseQuota) {
        return tx.write("creating account " + credential.access(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO plasmid_credentials (access, salt, hash, "
                    + "iterations, guest) VALUES (?, ?, ?, ?, ?) ON CONFLICT (access) DO NOTHING")) {
                ps.setString(1, credential.access());
                ps.setBytes(2, credential.salt());
                ps.setBytes(3, credential.hash());
                ps.setInt(4, credential.iterations());
                ps.setBoolean(5, credential.guest());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            if (database != null && !Appends.insertDatabase(c, database, databaseQuota)) {
                c.rollback(); // the database exists: it is never adopted, and the account is not created
                return false;
            }
            for (Grant g : grants) {
                upsert(c, g);
            }
            changed(c);
            return true;
        });
    }

    boolean update(Credential credential) {
        return tx.write("changing the secret of " + credential.access(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE plasmid_credentials SET salt = ?, hash = ?, "
                    + "iterations = ?, guest = ? WHERE access = ?")) {
                ps.setBytes(1, credential.salt());
                ps.setBytes(2, credential.hash());
                ps.setInt(3, credential.iterations());
                ps.setBoolean(4, credential.guest());
                ps.setString(5, credential.access());
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            changed(c);
            return true;
        });
    }

    void list(Consumer<String> visitor, int fetchSize) {
        tx.snapshot("listing accounts", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT access FROM plasmid_credentials")) {
                ps.setFetchSize(fetchSize);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        visitor.accept(r.getString(1));
                    }
                }
            }
            return null;
        });
    }

    List<Grant> grants(String access) {
        return select("reading the grants of " + access, "SELECT " + GRANT_COLUMNS + " FROM plasmid_grants WHERE access = ?",
                access);
    }

    List<Grant> delegatedBy(String delegator) {
        return select("reading the delegations of " + delegator, "SELECT " + GRANT_COLUMNS
                + " FROM plasmid_grants WHERE delegator = ?", delegator);
    }

    void put(Grant grant) {
        tx.write("granting to " + grant.access(), c -> {
            upsert(c, grant);
            changed(c);
            return null;
        });
    }

    boolean remove(String access, String permission, String resource) {
        return tx.write("revoking from " + access, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM plasmid_grants WHERE access = ? AND permission = ? AND resource = ?")) {
                ps.setString(1, access);
                ps.setString(2, permission);
                ps.setString(3, resource);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            changed(c);
            return true;
        });
    }

    private List<Grant> select(String what, String sql, String parameter) {
        return tx.autoCommit(what, c -> {
            List<Grant> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, parameter);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new Grant(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5)));
                    }
                }
            }
            return out;
        });
    }

    private static void upsert(Connection c, Grant g) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO plasmid_grants (" + GRANT_COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (access, permission, resource) DO UPDATE "
                + "SET value = EXCLUDED.value, delegator = EXCLUDED.delegator")) {
            ps.setString(1, g.access());
            ps.setString(2, g.permission());
            ps.setString(3, g.resource());
            ps.setString(4, g.value());
            ps.setString(5, g.delegator());
            ps.executeUpdate();
        }
    }

    /** Raises the accounts' version and tells the other nodes, in the caller's transaction. */
    private void changed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE plasmid_meta SET value = value + 1 WHERE key = 'accounts_version'")) {
            ps.executeUpdate();
        }
        Appends.notify(c, channel, "a");
    }

    /** @return the accounts' version: it rises with every change to credentials or grants */
    static long version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM plasmid_meta WHERE key = 'accounts_version'");
                ResultSet r = ps.executeQuery()) {
            return r.next() ? r.getLong(1) : 0;
        }
    }
}
