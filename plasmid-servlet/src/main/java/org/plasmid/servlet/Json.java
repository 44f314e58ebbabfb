package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import org.plasmid.core.JsonValue;

/** Jackson set up for the wire: strict parsing with the configured depth, streaming generation. */
final class Json {
    /**
     * How deep a push body nests around its values: the body object, {@code data}, and one store. A
     * value's own nesting is counted on top of this.
     */
    static final int ENVELOPE_DEPTH = 3;

    private static final JsonFactory WRITER = JsonFactory.builder()
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private Json() {
    }

    /**
     * @param maxValueDepth the deepest nesting allowed inside one value
     * @return a factory whose parsers refuse deeper nesting and nothing else by size (sizes are limited
     *     by the body limit). Duplicate keys inside values are kept as sent: values are opaque.
     */
    static JsonFactory readerFactory(int maxValueDepth) {
        return JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxValueDepth + ENVELOPE_DEPTH)
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build())
                .build();
    }

    /**
     * @param out where to write; it is neither flushed nor closed by the generator
     * @return a UTF-8 generator
     * @throws IOException never in practice
     */
    static JsonGenerator generator(OutputStream out) throws IOException {
        return WRITER.createGenerator(out);
    }

    /**
     * Writes a stored value's bytes through unchanged, as the next value of the generator's context.
     *
     * @param g the generator
     * @param out the stream the generator writes to
     * @param value the value, or {@code null} to write JSON {@code null}
     * @throws IOException if writing fails
     */
    static void writeRaw(JsonGenerator g, OutputStream out, JsonValue value) throws IOException {
        if (value == null) {
            g.writeNull();
            return;
        }
        g.writeRawValue(""); // emits the separator the context needs, and nothing else
        g.flush(); // hands the generator's buffer to out (FLUSH_PASSED_TO_STREAM is off: no network flush)
        value.writeTo(out);
    }

    /**
     * @param body the request body bytes; only {@code [0, length)} is used
     * @param length the body length
     * @return whether the body can be UTF-8 JSON (Jackson would read UTF-16/32 differently, and byte
     *     offsets would no longer address values)
     */
    static boolean looksUtf8(byte[] body, int length) {
        for (int i = 0; i < Math.min(4, length); i++) {
            if (body[i] == 0) {
                return false;
            }
        }
        if (length >= 2) {
            int b0 = body[0] & 0xff;
            int b1 = body[1] & 0xff;
            return !((b0 == 0xfe && b1 == 0xff) || (b0 == 0xff && b1 == 0xfe));
        }
        return true;
    }

    /**
     * Each body gets a copy of the factory, and so a symbol table of its own. A factory's parsers share
     * one table of the field names they have seen, and a push's keys (its objects' keys) are new names
     * in almost every push: each parser that added one copied the whole shared table (its hash area grows
     * to thousands of names before Jackson resets it), some 200 KiB per push, half of all the server
     * allocated under W7's load. A copy starts with empty tables: a few KiB, whatever came before.
     * (Turning canonicalization off instead would make Jackson read through a {@code Reader}, which
     * reports no byte offsets, and values are sliced out of the body by byte offset.)
     *
     * @param factory the factory whose configuration the parser takes
     * @return a parser over the first {@code length} bytes of {@code body}
     */
    static JsonParser parser(JsonFactory factory, byte[] body, int length) throws IOException {
        return factory.copy().createParser(body, 0, length);
    }
}
