package org.plasmid.core.spi;

import org.jspecify.annotations.Nullable;

/**
 * One object of an append.
 *
 * @param store the store
 * @param key the key
 * @param value validated UTF-8 JSON bytes, or {@code null} to delete; not modified by the backend
 */
public record Write(String store, String key, byte @Nullable [] value) {
    /**
     * @return the bytes this object adds to the stored size: its store name's, key's and value's UTF-8
     *     bytes, or 0 for a deletion
     */
    public long storedSize() {
        return value == null ? 0 : sizeOf(store, key, value.length);
    }

    /**
     * The stored size of a live key (PROTOCOL.md §5, quotas): the UTF-8 bytes of its store name, key
     * and value.
     *
     * @param store a store name
     * @param key a key
     * @param valueLength the UTF-8 length of its value
     * @return the stored size of a live key with such a value
     */
    public static long sizeOf(String store, String key, int valueLength) {
        return (long) utf8Length(store) + utf8Length(key) + valueLength;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
