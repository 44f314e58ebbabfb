package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads JSON answers into maps, lists, strings, numbers (as BigInteger/BigDecimal), booleans and null. */
final class TestJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private TestJson() {
    }

    static Object parse(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            Object v = read(p);
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

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        return (Map<String, Object>) parse(json);
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    if (m.put(name, read(p)) != null) {
                        throw new IllegalArgumentException("duplicate key " + name);
                    }
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getBigIntegerValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
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
