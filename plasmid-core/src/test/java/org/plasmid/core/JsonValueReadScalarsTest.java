package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link JsonValue#read} on scalar values, which Jackson tokenizes lazily (strings) or by lookahead. */
class JsonValueReadScalarsTest {

    @Test
    void read_slicesWholeScalars_stringsIncluded() throws Exception {
        String[] values = {"\"x\"", "\"caf\\u00e9 \\\"q\\\" \u2713\"", "123456789012345678901234567890", "-1.5e3",
            "true", "false", "\"\""};
        StringBuilder body = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            body.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": ").append(values[i]);
        }
        byte[] bytes = body.append("}").toString().getBytes(StandardCharsets.UTF_8);
        List<String> read = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                p.nextToken();
                read.add(JsonValue.read(p, bytes).toString());
            }
        }
        assertEquals(List.of(values), read);
    }
}
