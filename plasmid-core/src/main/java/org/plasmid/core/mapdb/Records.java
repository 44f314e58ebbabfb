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

    private Records() {
    }

    /** A decoded push record. */
    record Push(String database, long revision, String pushId, List<Write> writes) {
    }

    /** A decoded account creation. */
    record Account(Credential credential, List<Grant> grants) {
    }

    /** A decoded revocation. */
    record Revoke(String access, String permission, String resource) {
    }

    static byte[] createDatabase(String name) {
        return encode(CREATE_DATABASE, out -> out.writeUTF(name));
    }

    static byte[] push(String database, long revision, String pushId, List<Write> writes) {
        int estimate = 64;
        for (Write w : writes) {
            estimate += 16 + w.store().length() + w.key().length() + (w.value() == null ? 0 : w.value().length);
        }
        return encode(PUSH, estimate, out -> {
            out.writeUTF(database);
            out.writeLong(revision);
            out.writeBoolean(pushId != null);
            if (pushId != null) {
                out.writeUTF(pushId);
            }
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

    static byte[] account(Credential c, List<Grant> grants) {
        return encode(ACCOUNT, out -> {
            writeCredential(out, c);
            out.writeInt(grants.size());
            for (Grant g : grants) {
                writeGrant(out, g);
            }
        });
    }

    static byte[] credential(Credential c) {
        return encode(CREDENTIAL, out -> writeCredential(out, c));
    }

    static byte[] grant(Grant g) {
        return encode(GRANT, out -> writeGrant(out, g));
    }

    static byte[] revoke(String access, String permission, String resource) {
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

    static String readCreateDatabase(DataInputStream in) throws IOException {
        return in.readUTF();
    }

    static Push readPush(DataInputStream in) throws IOException {
        String db = in.readUTF();
        long revision = in.readLong();
        String pushId = in.readBoolean() ? in.readUTF() : null;
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
        return new Push(db, revision, pushId, writes);
    }

    static Account readAccount(DataInputStream in) throws IOException {
        Credential c = readCredential(in);
        int n = in.readInt();
        List<Grant> grants = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            grants.add(readGrant(in));
        }
        return new Account(c, grants);
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

    static Grant readGrant(DataInputStream in) throws IOException {
        return new Grant(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
    }

    static Revoke readRevoke(DataInputStream in) throws IOException {
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
