package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JSON answers into maps, lists, strings, numbers (as BigInteger/BigDecimal), booleans and null. */
final class TestJson {
    /** Stored values are opaque: a number in one may be as long as a value may be. */
    private static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(
            StreamReadConstraints.builder().maxNumberLength(Integer.MAX_VALUE).build()).build();

    private TestJson() {
    }

    static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            Object v = read(p, 0);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content in " + json);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /**
     * Checks that {@code json} is one well-formed JSON value, allowing duplicate keys (which stored values
     * may hold: values are opaque).
     *
     * @throws IllegalArgumentException if it is not
     */
    static void wellFormed(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IllegalArgumentException("empty, not JSON");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content in " + json);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    /**
     * A number as BigInteger or BigDecimal; one beyond what Jackson converts (a stored value may be
     * {@code 1e999999999} or a thousand digits long: values are opaque) as its text.
     */
    private static Object number(JsonParser p) throws IOException {
        try {
            return p.currentToken() == JsonToken.VALUE_NUMBER_INT ? p.getBigIntegerValue() : p.getDecimalValue();
        } catch (IOException | RuntimeException e) {
            return p.getText();
        }
    }

    @SuppressWarnings("unchecked")
    /**
     * @param body an error body
     * @return it without its (ext) {@code "request_id"} field: each request has its own, so bodies compared
     *     across requests are compared without it
     */
    static String withoutRequestId(String body) {
        return body.replaceFirst(",\"request_id\":\"[^\"]*\"}$", "}");
    }

    static Map<String, Object> object(String json) {
        return (Map<String, Object>) parse(json);
    }

    /**
     * Reads a value; the answer's own object (depth 0) must not repeat a key, a stored value inside it may
     * (values are opaque): there the last one is kept.
     */
    private static Object read(JsonParser p, int depth) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (m.put(name, read(p, depth + 1)) != null && depth == 0) {
                        throw new IllegalArgumentException("duplicate key " + name);
                    }
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, depth + 1));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return number(p);
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalArgumentException("unexpected " + t);
        }
    }
}
