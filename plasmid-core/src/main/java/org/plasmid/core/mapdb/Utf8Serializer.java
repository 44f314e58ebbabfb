package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.serializer.GroupSerializerObjectArray;

/**
 * Strings of the index's maps (credentials, grants, databases) as UTF-8 after a packed header (the
 * byte length, shifted left by one), in {@link String#compareTo} order. A string that UTF-8 cannot
 * hold exactly (an unpaired surrogate, which Java strings allow) is kept character by character
 * instead, flagged by the header's low bit: nothing is ever changed on the way through.
 *
 * <p>Why: MapDB's own string serializer packs every character on its own and decodes every key of a
 * node character by character on each lookup: profiled, a credential lookup per request was mostly
 * that. This one decodes a key with one bulk copy from the memory-mapped buffer and the JDK's UTF-8
 * decoder.
 *
 * <p>No no-argument constructor on purpose (see {@link ByteArraySerializer}).
 */
final class Utf8Serializer extends GroupSerializerObjectArray<String> {
    static final Utf8Serializer INSTANCE = new Utf8Serializer(0);

    private Utf8Serializer(int unused) {
        // see the class comment: no no-argument constructor
    }

    @Override
    public void serialize(DataOutput2 out, String value) throws IOException {
        if (!wellFormed(value)) {
            out.packInt(value.length() << 1 | 1);
            for (int i = 0; i < value.length(); i++) {
                out.packInt(value.charAt(i));
            }
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.packInt(bytes.length << 1);
        out.write(bytes);
    }

    /** Whether UTF-8 holds {@code s} exactly: no surrogate without its pair. */
    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String deserialize(DataInput2 in, int available) throws IOException {
        int header = in.unpackInt();
        if ((header & 1) != 0) {
            char[] chars = new char[header >>> 1];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) in.unpackInt();
            }
            return new String(chars);
        }
        return new String(ByteArraySerializer.read(in, header >>> 1), StandardCharsets.UTF_8);
    }

    @Override
    public int compare(String a, String b) {
        return a.compareTo(b);
    }

    @Override
    public boolean isTrusted() {
        return true;
    }
}
