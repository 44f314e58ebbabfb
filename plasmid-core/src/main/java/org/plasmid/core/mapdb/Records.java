package org.plasmid.core.mapdb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;
import org.plasmid.core.spi.Write;

/**
 * Encoding of journal records. Strings are written as Java's modified UTF-8 (so every Java string
 * round-trips exactly); values as length-prefixed raw bytes. The first byte is the record type.
 */
final class Records {
    static final byte CREATE_DATABASE = 1;
    static final byte PUSH = 2;
    static final byte ACCOUNT = 3;
    static final byte CREDENTIAL = 4;
    static final byte GRANT = 5;
    static final byte REVOKE = 6;
    /** A push that records how many objects it carried (deletions of absent keys are not written). */
    static final byte PUSH_V2 = 7;
    /** A database created with a quota of its own. */
    static final byte CREATE_DATABASE_V2 = 8;
    /** A database's own quota set or removed. */
    static final byte DATABASE_QUOTA = 9;
    /** A grant with its delegator. */
    static final byte GRANT_V2 = 10;
    /** An account whose grants carry their delegators. */
    static final byte ACCOUNT_V2 = 11;

    private Records() {
    }

    /**
     * A journal record, decoded: what one change does. {@link Index#apply} is the one place that says
     * what each does to the index, for the live write path and for replay alike.
     */
    sealed interface Record permits CreateDatabase, QuotaChange, Push, Account, CredentialChange, GrantChange,
            Revoke {
    }

    /** A database created; quota -1 for none of its own. */
    record CreateDatabase(String database, long quota) implements Record {
    }

    /** A database's own quota set (-1: removed). */
    record QuotaChange(String database, long quota) implements Record {
    }

    /**
     * A push.
     *
     * @param saved the number of objects the push carried (its answer's {@code saved})
     */
    record Push(String database, long revision, String pushId, int saved, List<Write> writes) implements Record {
    }

    /** An account created, with the database created with it (or null) and its quota. */
    record Account(Credential credential, List<Grant> grants, String database, long databaseQuota)
            implements Record {
    }

    /** A credential replaced (a new secret). */
    record CredentialChange(Credential credential) implements Record {
    }

    /** A grant given or replaced. */
    record GrantChange(Grant grant) implements Record {
    }

    /** A revocation. */
    record Revoke(String access, String permission, String resource) implements Record {
    }

    /** Encodes a record as the journal stores it (always the newest version of its type). */
    static byte[] encode(Record r) {
        if (r instanceof Push p) {
            return push(p.database(), p.revision(), p.pushId(), p.saved(), p.writes());
        } else if (r instanceof CreateDatabase c) {
            return createDatabase(c.database(), c.quota());
        } else if (r instanceof QuotaChange q) {
            return databaseQuota(q.database(), q.quota());
        } else if (r instanceof Account a) {
            return account(a.credential(), a.grants(), a.database(), a.databaseQuota());
        } else if (r instanceof CredentialChange c) {
            return credential(c.credential());
        } else if (r instanceof GrantChange g) {
            return grant(g.grant());
        }
        Revoke v = (Revoke) r;
        return revoke(v.access(), v.permission(), v.resource());
    }

    /** Decodes a journal record of any version this code or an earlier one wrote. */
    static Record decode(ByteBuffer payload) throws IOException {
        byte type = type(payload);
        DataInputStream in = body(payload);
        return switch (type) {
            case CREATE_DATABASE, CREATE_DATABASE_V2 -> {
                String name = in.readUTF();
                yield new CreateDatabase(name, type == CREATE_DATABASE ? -1 : in.readLong());
            }
            case DATABASE_QUOTA -> new QuotaChange(in.readUTF(), in.readLong());
            case PUSH, PUSH_V2 -> readPush(type, in);
            case ACCOUNT, ACCOUNT_V2 -> readAccount(type, in);
            case CREDENTIAL -> new CredentialChange(readCredential(in));
            case GRANT, GRANT_V2 -> new GrantChange(readGrant(type, in));
            case REVOKE -> readRevoke(in);
            default -> throw new IOException("unknown journal record type " + type);
        };
    }

    private static byte[] createDatabase(String name, long quota) {
        return encode(CREATE_DATABASE_V2, out -> {
            out.writeUTF(name);
            out.writeLong(quota);
        });
    }

    private static byte[] databaseQuota(String name, long quota) {
        return encode(DATABASE_QUOTA, out -> {
            out.writeUTF(name);
            out.writeLong(quota);
        });
    }

    private static byte[] push(String database, long revision, String pushId, int saved, List<Write> writes) {
        int estimate = 64;
        for (Write w : writes) {
            estimate += 16 + w.store().length() + w.key().length() + (w.value() == null ? 0 : w.value().length);
        }
        return encode(PUSH_V2, estimate, out -> {
            out.writeUTF(database);
            out.writeLong(revision);
            out.writeBoolean(pushId != null);
            if (pushId != null) {
                out.writeUTF(pushId);
            }
            out.writeInt(saved);
            out.writeInt(writes.size());
            for (Write w : writes) {
                out.writeUTF(w.store());
                out.writeUTF(w.key());
                if (w.value() == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(w.value().length);
                    out.write(w.value());
                }
            }
        });
    }

    private static byte[] account(Credential c, List<Grant> grants, String database, long databaseQuota) {
        return encode(ACCOUNT_V2, out -> {
            writeCredential(out, c);
            out.writeInt(grants.size());
            for (Grant g : grants) {
                writeGrant(out, g);
            }
            out.writeBoolean(database != null);
            if (database != null) {
                out.writeUTF(database);
                out.writeLong(databaseQuota);
            }
        });
    }

    private static byte[] credential(Credential c) {
        return encode(CREDENTIAL, out -> writeCredential(out, c));
    }

    private static byte[] grant(Grant g) {
        return encode(GRANT_V2, out -> writeGrant(out, g));
    }

    private static byte[] revoke(String access, String permission, String resource) {
        return encode(REVOKE, out -> {
            out.writeUTF(access);
            out.writeUTF(permission);
            out.writeUTF(resource);
        });
    }

    static byte type(ByteBuffer payload) {
        return payload.get(payload.position());
    }

    static DataInputStream body(ByteBuffer payload) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload.array(),
                payload.arrayOffset() + payload.position() + 1, payload.remaining() - 1));
        return in;
    }

    /** Reads a push record of either version. */
    private static Push readPush(byte type, DataInputStream in) throws IOException {
        String db = in.readUTF();
        long revision = in.readLong();
        String pushId = in.readBoolean() ? in.readUTF() : null;
        int saved = type == PUSH ? -1 : in.readInt();
        int n = in.readInt();
        List<Write> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String store = in.readUTF();
            String key = in.readUTF();
            int len = in.readInt();
            byte[] value = null;
            if (len >= 0) {
                value = new byte[len];
                in.readFully(value);
            }
            writes.add(new Write(store, key, value));
        }
        return new Push(db, revision, pushId, saved < 0 ? n : saved, writes);
    }

    /** Reads an account record of either version. */
    private static Account readAccount(byte type, DataInputStream in) throws IOException {
        Credential c = readCredential(in);
        int n = in.readInt();
        List<Grant> grants = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            grants.add(readGrant(type == ACCOUNT ? GRANT : GRANT_V2, in));
        }
        if (type == ACCOUNT || !in.readBoolean()) {
            return new Account(c, grants, null, -1);
        }
        return new Account(c, grants, in.readUTF(), in.readLong());
    }

    static Credential readCredential(DataInputStream in) throws IOException {
        String access = in.readUTF();
        byte[] salt = new byte[in.readUnsignedShort()];
        in.readFully(salt);
        byte[] hash = new byte[in.readUnsignedShort()];
        in.readFully(hash);
        int iterations = in.readInt();
        boolean guest = in.readBoolean();
        return new Credential(access, salt, hash, iterations, guest);
    }

    /** Reads a grant of either version (the first carries no delegator). */
    static Grant readGrant(byte type, DataInputStream in) throws IOException {
        String access = in.readUTF();
        String permission = in.readUTF();
        String resource = in.readUTF();
        String value = in.readUTF();
        String delegator = type == GRANT_V2 && in.readBoolean() ? in.readUTF() : null;
        return new Grant(access, permission, resource, value, delegator);
    }

    private static Revoke readRevoke(DataInputStream in) throws IOException {
        return new Revoke(in.readUTF(), in.readUTF(), in.readUTF());
    }

    static void writeCredential(DataOutputStream out, Credential c) throws IOException {
        out.writeUTF(c.access());
        byte[] salt = c.salt();
        out.writeShort(salt.length);
        out.write(salt);
        byte[] hash = c.hash();
        out.writeShort(hash.length);
        out.write(hash);
        out.writeInt(c.iterations());
        out.writeBoolean(c.guest());
    }

    static void writeGrant(DataOutputStream out, Grant g) throws IOException {
        out.writeUTF(g.access());
        out.writeUTF(g.permission());
        out.writeUTF(g.resource());
        out.writeUTF(g.value());
        out.writeBoolean(g.delegator() != null);
        if (g.delegator() != null) {
            out.writeUTF(g.delegator());
        }
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] encode(byte type, Body body) {
        return encode(type, 64, body);
    }

    private static byte[] encode(byte type, int estimate, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimate);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(type);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
