package org.plasmid.core.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Write;

/**
 * The compare-and-append of {@link JdbcStorage}, inside the caller's transaction: lock the database's
 * row, check push id, head and quota, write the entries and the new head, remember the push id, and
 * notify the other nodes (PostgreSQL delivers the notification when the transaction commits, and only if
 * it does). Four round trips before the commit; every 64th revision with a push id forgets old ones
 * (at least the newest {@value JdbcStorage#REMEMBERED_PUSH_IDS} stay).
 */
final class Appends {
    private final String channel;

    Appends(String channel) {
        this.channel = channel;
    }

    private record StoreKey(String store, String key) {
    }

    AppendResult append(Connection c, String database, long expectedHead, List<Write> writes,
            @Nullable String pushId, long maxStoredBytes) throws SQLException {
        long head;
        long size;
        // one round trip: lock the database's row, and look the push id up
        try (PreparedStatement ps = c.prepareStatement("SELECT d.head, d.stored_bytes, p.revision, p.saved "
                + "FROM plasmid_databases d LEFT JOIN plasmid_push_ids p ON p.db = d.name AND p.push_id = ? "
                + "WHERE d.name = ? FOR UPDATE OF d")) {
            ps.setBytes(1, pushId == null ? new byte[0] : pushId.getBytes(StandardCharsets.UTF_8));
            ps.setString(2, database);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) {
                    throw JdbcStorage.noDatabase(database);
                }
                head = r.getLong(1);
                size = r.getLong(2);
                long seenRevision = r.getLong(3);
                if (pushId != null && !r.wasNull()) {
                    return AppendResult.duplicate(seenRevision, r.getInt(4));
                }
            }
        }
        if (head != expectedHead) {
            return AppendResult.headMoved(head);
        }
        Map<StoreKey, Integer> live = liveLengths(c, database, writes);
        List<Write> effective = new ArrayList<>(writes.size());
        long delta = 0;
        for (Write w : writes) {
            Integer old = live.get(new StoreKey(w.store(), w.key()));
            if (w.value() == null && old == null) {
                continue; // deleting a key without a live value writes nothing
            }
            if (old != null) {
                delta -= Write.sizeOf(w.store(), w.key(), old);
            }
            delta += w.storedSize();
            effective.add(w);
        }
        if (effective.isEmpty()) {
            return AppendResult.unchanged(head, writes.size());
        }
        if (maxStoredBytes >= 0 && delta > 0 && size + delta > maxStoredBytes) {
            return AppendResult.quotaExceeded(head);
        }
        long revision = head + 1;
        upsert(c, database, revision, effective);
        // one round trip: the new head, the push id, and the notification (delivered on commit)
        try (PreparedStatement ps = c.prepareStatement("WITH head AS (UPDATE plasmid_databases SET head = ?, "
                + "stored_bytes = ? WHERE name = ? RETURNING name)"
                + (pushId == null ? "" : ", id AS (INSERT INTO plasmid_push_ids (db, push_id, revision, saved) "
                        + "VALUES (?, ?, ?, ?))")
                + " SELECT pg_notify(?, ?) FROM head")) {
            int i = 1;
            ps.setLong(i++, revision);
            ps.setLong(i++, size + delta);
            ps.setString(i++, database);
            if (pushId != null) {
                ps.setString(i++, database);
                ps.setBytes(i++, pushId.getBytes(StandardCharsets.UTF_8));
                ps.setLong(i++, revision);
                ps.setInt(i++, writes.size());
            }
            ps.setString(i++, channel);
            ps.setString(i, "d " + revision + " " + database);
            ps.execute();
        }
        if (pushId != null && revision % 64 == 0) {
            forgetOldPushIds(c, database);
        }
        return AppendResult.appended(revision, writes.size());
    }

    /** The value lengths of the written keys that are live now (deleted or absent keys are left out). */
    private static Map<StoreKey, Integer> liveLengths(Connection c, String database, List<Write> writes)
            throws SQLException {
        Map<StoreKey, Integer> live = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.store, e.key, octet_length(e.value) "
                + "FROM plasmid_entries e JOIN unnest(?::bytea[], ?::bytea[]) AS w(store, key) "
                + "ON e.store = w.store AND e.key = w.key WHERE e.db = ? AND e.value IS NOT NULL")) {
            ps.setArray(1, bytes(c, writes, true));
            ps.setArray(2, bytes(c, writes, false));
            ps.setString(3, database);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    live.put(new StoreKey(text(r.getBytes(1)), text(r.getBytes(2))), r.getInt(3));
                }
            }
        }
        return live;
    }

    /** Writes every entry as {@code revision} in one statement (tombstones as null values). */
    private static void upsert(Connection c, String database, long revision, List<Write> writes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO plasmid_entries (db, store, key, revision, value) "
                + "SELECT ?, w.store, w.key, ?, w.value FROM unnest(?::bytea[], ?::bytea[], ?::bytea[]) "
                + "AS w(store, key, value) ON CONFLICT (db, store, key) DO UPDATE "
                + "SET revision = EXCLUDED.revision, value = EXCLUDED.value")) {
            ps.setString(1, database);
            ps.setLong(2, revision);
            ps.setArray(3, bytes(c, writes, true));
            ps.setArray(4, bytes(c, writes, false));
            byte[][] values = new byte[writes.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = writes.get(i).value();
            }
            ps.setArray(5, c.createArrayOf("bytea", values));
            ps.executeUpdate();
        }
    }

    private static Array bytes(Connection c, List<Write> writes, boolean stores) throws SQLException {
        byte[][] out = new byte[writes.size()][];
        for (int i = 0; i < out.length; i++) {
            Write w = writes.get(i);
            out[i] = (stores ? w.store() : w.key()).getBytes(StandardCharsets.UTF_8);
        }
        return c.createArrayOf("bytea", out);
    }

    /** Forgets all but the newest {@value JdbcStorage#REMEMBERED_PUSH_IDS} push ids of the database. */
    private static void forgetOldPushIds(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM plasmid_push_ids WHERE db = ? AND revision < "
                + "(SELECT min(revision) FROM (SELECT revision FROM plasmid_push_ids WHERE db = ? "
                + "ORDER BY revision DESC LIMIT " + JdbcStorage.REMEMBERED_PUSH_IDS + ") newest)")) {
            ps.setString(1, database);
            ps.setString(2, database);
            ps.executeUpdate();
        }
    }

    static Optional<AppendResult> findPush(Connection c, String database, String pushId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT revision, saved FROM plasmid_push_ids WHERE db = ? AND push_id = ?")) {
            ps.setString(1, database);
            ps.setBytes(2, pushId.getBytes(StandardCharsets.UTF_8));
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? Optional.of(AppendResult.duplicate(r.getLong(1), r.getInt(2))) : Optional.empty();
            }
        }
    }

    /** The head of an existing database (read in the caller's snapshot). */
    static long head(Connection c, String database, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT head FROM plasmid_databases WHERE name = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, database);
            try (ResultSet r = ps.executeQuery()) {
                if (!r.next()) {
                    throw JdbcStorage.noDatabase(database);
                }
                return r.getLong(1);
            }
        }
    }

    static boolean insertDatabase(Connection c, String database, long quota) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO plasmid_databases (name, head, stored_bytes, quota) "
                + "VALUES (?, 1, 0, ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, database);
            ps.setLong(2, quota < 0 ? -1 : quota);
            return ps.executeUpdate() == 1;
        }
    }

    /** Sends a notification; PostgreSQL delivers it when (and only if) the transaction commits. */
    static void notify(Connection c, String channel, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
