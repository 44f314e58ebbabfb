package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.lang.management.ManagementFactory;
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

    /** Bytes that are never UTF-8, in every place a value can hold them: strings, names, nested or not. */
    static java.util.stream.Stream<byte[]> valuesWithInvalidUtf8() {
        java.util.List<byte[]> all = new java.util.ArrayList<>();
        for (String template : new String[] {"\"X\"", "[\"X\"]", "{\"a\":\"X\"}", "{\"X\":1}", "[{\"X\":1}]",
            "[[\"aXb\"]]", "{\"a\":{\"b\":[\"X\"]}}"}) {
            for (int bad : new int[] {0xff, 0xfe, 0xc0, 0xc1, 0xf5, 0x80}) {
                byte[] b = template.getBytes(StandardCharsets.US_ASCII);
                b[template.indexOf('X')] = (byte) bad;
                all.add(b);
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("valuesWithInvalidUtf8")
    void parseAndRead_refuseInvalidUtf8_evenNestedInsideAValue(byte[] value) throws Exception {
        assertThrows(PlasmidException.class, () -> JsonValue.parse(value), () -> new String(value,
                StandardCharsets.ISO_8859_1));
        byte[] body = new byte[value.length + 7];
        System.arraycopy("{\"k\": ".getBytes(StandardCharsets.US_ASCII), 0, body, 0, 6);
        System.arraycopy(value, 0, body, 6, value.length);
        body[body.length - 1] = '}';
        assertThrows(java.io.IOException.class, () -> {
            try (JsonParser p = new JsonFactory().createParser(body)) {
                p.nextToken();
                p.nextToken();
                p.nextToken();
                JsonValue.read(p, body);
            }
        }, () -> new String(body, StandardCharsets.ISO_8859_1));
    }

    @Test
    void parseAndRead_refuseAnInvalidName_thatJacksonsNameCacheMatchesToAValidOne() throws Exception {
        // Jackson pads short names with 0xFF bytes in its cache, so 0xFF 'c' 'c' is found as "cc"
        byte[] seen = "{\"cc\": 1}".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = {'{', '"', (byte) 0xff, 'c', 'c', '"', ':', ' ', '1', '}'};
        JsonValue.parse(seen);
        assertThrows(PlasmidException.class, () -> JsonValue.parse(bad));
        JsonFactory shared = new JsonFactory();
        byte[] first = "{\"k\": {\"cc\": 1}}".getBytes(StandardCharsets.US_ASCII);
        byte[] second = new byte[first.length + 1];
        System.arraycopy(first, 0, second, 0, 8);
        second[8] = (byte) 0xff;
        System.arraycopy(first, 8, second, 9, first.length - 8);
        for (byte[] body : new byte[][] {first, second}) {
            try (JsonParser p = shared.createParser(body)) {
                p.nextToken();
                p.nextToken();
                p.nextToken();
                if (body == first) {
                    JsonValue.read(p, body);
                } else {
                    assertThrows(java.io.IOException.class, () -> JsonValue.read(p, body));
                }
            }
        }
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

    @Test
    void valuesWithNamesNeverSeenBefore_areParsedWithoutCopyingASharedSymbolTable() {
        for (int i = 0; i < 2_000; i++) { // what a shared table would have grown to by now
            JsonValue.parse("{\"name-" + i + "\": " + i + "}");
        }
        int values = 5_000;
        byte[][] prepared = new byte[values][];
        for (int i = 0; i < values; i++) {
            prepared[i] = ("{\"other-" + i + "\": " + i + "}").getBytes(StandardCharsets.UTF_8);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (byte[] v : prepared) {
            JsonValue.parse(v);
        }
        long perValue = (threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before) / values;
        // with one symbol table shared by all parses, each new name copied it whole: tens of KiB
        assertTrue(perValue < 16 * 1024, "a small value allocated " + perValue + " bytes to parse");
    }
}
