package org.plasmid.core.mapdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Binary keys of the MapDB indexes, ordered as unsigned bytes (MapDB's byte-array order):
 * <ul>
 * <li>log: {@code db id (8) | revision (8) | store length (2) | store | key} — a range scan by revision;
 * <li>state: {@code db id (8) | store length (2) | store | key} — all keys of one store together.
 * </ul>
 * Store and key are UTF-8 (they were checked to be valid Unicode); the store's length prefix makes the
 * split unambiguous.
 */
final class Keys {
    private Keys() {
    }

    static byte[] log(long db, long revision, String store, String key) {
        byte[] s = store.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(18 + s.length + k.length)
                .putLong(db).putLong(revision).putShort((short) s.length).put(s).put(k).array();
    }

    /** The smallest log key of {@code revision} (inclusive bound of a range scan). */
    static byte[] logFrom(long db, long revision) {
        return ByteBuffer.allocate(16).putLong(db).putLong(revision).array();
    }

    static long logRevision(byte[] key) {
        return ByteBuffer.wrap(key).getLong(8);
    }

    static String logStore(byte[] key) {
        int len = Short.toUnsignedInt(ByteBuffer.wrap(key).getShort(16));
        return new String(key, 18, len, StandardCharsets.UTF_8);
    }

    static String logKey(byte[] key) {
        int len = Short.toUnsignedInt(ByteBuffer.wrap(key).getShort(16));
        return new String(key, 18 + len, key.length - 18 - len, StandardCharsets.UTF_8);
    }

    static byte[] state(long db, String store, String key) {
        byte[] s = store.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(10 + s.length + k.length).putLong(db).putShort((short) s.length).put(s).put(k)
                .array();
    }

    /** The smallest state key after every key of {@code store} (the store's length-prefixed name, then 0xFF…). */
    static byte[] storeAfter(long db, String store) {
        byte[] s = store.getBytes(StandardCharsets.UTF_8);
        // keys of the store are db|len|store|key: the next store's keys start at db|len|store+1 or a longer len
        byte[] after = ByteBuffer.allocate(10 + s.length + 1).putLong(db).putShort((short) s.length).put(s)
                .put((byte) 0xFF).array();
        return after;
    }

    static byte[] prefix(long db) {
        return ByteBuffer.allocate(8).putLong(db).array();
    }

    static String stateStore(byte[] key) {
        int len = Short.toUnsignedInt(ByteBuffer.wrap(key).getShort(8));
        return new String(key, 10, len, StandardCharsets.UTF_8);
    }

    static String stateKey(byte[] key) {
        int len = Short.toUnsignedInt(ByteBuffer.wrap(key).getShort(8));
        return new String(key, 10 + len, key.length - 10 - len, StandardCharsets.UTF_8);
    }

    /** State value: revision (8) and value length (4; -1 for a deletion). */
    static byte[] stateValue(long revision, int valueLength) {
        return ByteBuffer.allocate(12).putLong(revision).putInt(valueLength).array();
    }

    static long stateRevision(byte[] value) {
        return ByteBuffer.wrap(value).getLong(0);
    }

    static int stateLength(byte[] value) {
        return ByteBuffer.wrap(value).getInt(8);
    }

    static byte[] pushId(long db, String pushId) {
        byte[] p = pushId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + p.length).putLong(db).put(p).array();
    }

    static byte[] pushOrder(long db, long revision) {
        return ByteBuffer.allocate(16).putLong(db).putLong(revision).array();
    }

    /** Push answer: revision (8) and saved count (4). */
    static byte[] pushAnswer(long revision, int saved) {
        return ByteBuffer.allocate(12).putLong(revision).putInt(saved).array();
    }

    /** Database record: id, head, stored bytes, remembered push ids, own quota (-1 for none). */
    static byte[] database(long id, long head, long size, int pushIds, long quota) {
        return ByteBuffer.allocate(36).putLong(id).putLong(head).putLong(size).putInt(pushIds).putLong(quota)
                .array();
    }

    static String grant(String access, String permission, String resource) {
        return access + '\u0000' + permission + '\u0000' + resource;
    }
}
