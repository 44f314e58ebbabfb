package org.plasmid.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.common.base.Utf8;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON value held as the exact UTF-8 bytes a client sent. The engine never re-encodes it, so big
 * integers, key order, white space inside the value and unicode escapes all survive byte for byte.
 * Instances are immutable and always hold one complete, valid JSON value (never {@code null}: a
 * deletion is represented by the absence of a value). Duplicate object keys inside a value are kept as
 * sent: the value is opaque to the server, and the client's JSON parser decides what they mean.
 */
public final class JsonValue {
    /** Deepest nesting of arrays and objects a value may have (PROTOCOL.md §6). */
    public static final int MAX_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private final byte[] bytes;

    private JsonValue(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Validates UTF-8 JSON text and keeps its bytes.
     *
     * @param utf8 one JSON value, optionally surrounded by white space
     * @return the value
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if the bytes are not exactly one
     *     valid JSON value, nest deeper than {@value #MAX_DEPTH}, or are JSON {@code null}
     */
    public static JsonValue parse(byte[] utf8) {
        byte[] copy = utf8.clone();
        // a copy of the factory has a symbol table of its own: the names inside values are data, mostly
        // new, and a shared table is copied whole into every parser that adds a name to it
        try (JsonParser p = FACTORY.copy().createParser(copy)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw PlasmidException.invalid("empty JSON value");
            }
            if (first == JsonToken.VALUE_NULL) {
                throw PlasmidException.invalid("null is not a storable value (it means delete)");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw PlasmidException.invalid("trailing content after the JSON value");
            }
            if (!Utf8.isWellFormed(copy)) {
                throw PlasmidException.invalid("invalid JSON value: not UTF-8");
            }
        } catch (JsonProcessingException e) {
            throw PlasmidException.invalid("invalid JSON value: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw PlasmidException.invalid("invalid JSON value: " + e.getMessage());
        }
        return new JsonValue(copy);
    }

    /**
     * Validates JSON text given as a string.
     *
     * @param json one JSON value
     * @return the value
     * @throws PlasmidException as {@link #parse(byte[])}
     */
    public static JsonValue parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Takes the value at the parser's current token straight from the source bytes the parser reads,
     * skipping (and so validating) it once. This is how a request body is split into values without
     * decoding and re-encoding them. The bytes are also checked to be UTF-8: Jackson does not decode what
     * it skips, and its name cache can match an invalid name to a valid one (a name of a 0xFF byte
     * followed by {@code cc} is taken for {@code cc} once {@code cc} has been seen).
     *
     * @param parser a parser over {@code source} whose current token starts a value other than null
     * @param source the whole byte array the parser was created on (offset 0)
     * @return the value; the parser is left on the value's last token
     * @throws IOException if the parser finds the input malformed
     */
    public static JsonValue read(JsonParser parser, byte[] source) throws IOException {
        JsonToken t = parser.currentToken();
        if (t == null || t == JsonToken.VALUE_NULL || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY
                || t == JsonToken.FIELD_NAME) {
            throw new IllegalStateException("parser is not at the start of a value: " + t);
        }
        long start = parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        parser.finishToken(); // Jackson reads strings lazily: make the parser consume the whole token
        long end = parser.currentLocation().getByteOffset();
        if (start < 0 || end < start || end > source.length) {
            throw new IllegalStateException("parser does not report byte offsets into the source");
        }
        byte[] value = Arrays.copyOfRange(source, (int) start, (int) end);
        if (!Utf8.isWellFormed(value)) {
            throw new JsonParseException(parser, "invalid UTF-8 in a value");
        }
        return new JsonValue(value);
    }

    /** Wraps bytes that storage returns: they were validated when first stored. */
    static JsonValue stored(byte[] bytes) {
        return new JsonValue(bytes);
    }

    /** @return the number of UTF-8 bytes of the value */
    public int size() {
        return bytes.length;
    }

    /** @return a copy of the value's UTF-8 bytes */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * Writes the value's bytes, unchanged, without copying them.
     *
     * @param out where to write
     * @throws IOException if writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    /** The bytes themselves, for storage inside the engine; callers must not modify them. */
    byte[] unsafeBytes() {
        return bytes;
    }

    /** @return the JSON text */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonValue && Arrays.equals(bytes, ((JsonValue) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
