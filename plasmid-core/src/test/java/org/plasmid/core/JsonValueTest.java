package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonValueTest {
    @ParameterizedTest
    @ValueSource(strings = {"1", "-0.5e+10", "\"s\"", "true", "[]", "{}", "[1,[2,[3]]]",
        "{\"a\":1,\"a\":2}", "123456789012345678901234567890123456789", " {\"x\" : [ ] } "})
    void parse_keepsValidJsonExactly(String json) {
        assertEquals(json, JsonValue.parse(json).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "null", "{", "[1,]", "{\"a\"}", "1 2", "'x'", "nul", "{\"a\":1}}", "NaN"})
    void parse_refusesWhatIsNotOneJsonValue(String json) {
        PlasmidException e = assertThrows(PlasmidException.class, () -> JsonValue.parse(json));
        assertEquals(PlasmidException.Reason.INVALID, e.reason());
    }

    @Test
    void parse_refusesInvalidUtf8() {
        assertThrows(PlasmidException.class, () -> JsonValue.parse(new byte[] {'"', (byte) 0xC3, '"'}));
    }

    @Test
    void parse_refusesNestingDeeperThan64() {
        JsonValue.parse("[".repeat(64) + "]".repeat(64));
        assertThrows(PlasmidException.class, () -> JsonValue.parse("[".repeat(65) + "]".repeat(65)));
    }

    @Test
    void read_slicesAValueOutOfABodyWithoutReencodingIt() throws Exception {
        byte[] body = "{\"data\": {\"s\": {\"k\": {\"b\":1e5, \"a\" : \"\\u00e9\"}}}}".getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = new JsonFactory().createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && p.currentName().equals("k")) {
                    p.nextToken();
                    assertEquals("{\"b\":1e5, \"a\" : \"\\u00e9\"}", JsonValue.read(p, body).toString());
                    assertEquals(JsonToken.END_OBJECT, p.currentToken());
                }
            }
        }
    }

    @Test
    void read_slicesScalarValuesWhole() throws Exception {
        byte[] body = "{\"a\": \"long string \\\" with escape\", \"b\": -12.5e3, \"c\": true, \"d\": [\"x\"]}"
                .getBytes(StandardCharsets.UTF_8);
        java.util.List<String> got = new java.util.ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                p.nextToken();
                got.add(JsonValue.read(p, body).toString());
            }
        }
        assertEquals(java.util.List.of("\"long string \\\" with escape\"", "-12.5e3", "true", "[\"x\"]"), got);
    }

    @Test
    void toBytes_isACopy() {
        JsonValue v = JsonValue.parse("[1]");
        v.toBytes()[1] = '9';
        assertEquals("[1]", v.toString());
    }
}
