package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The {@code Authorization: Basic} header: what is read, and what is no credentials at all. */
class BasicCredentialsTest {
    private static String basic(byte[] raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void aWellFormedHeader_givesTheTokenAndTheSecret_whateverTheSchemesCase_andColonsInTheSecret() {
        BasicCredentials c = BasicCredentials.parse("  bAsIc " + Base64.getEncoder().encodeToString(
                "alice:s3cr\u00e9t:with:colons".getBytes(StandardCharsets.UTF_8)) + "  ").orElseThrow();
        assertEquals("alice", c.access());
        assertEquals("s3cr\u00e9t:with:colons", c.secret());
        assertEquals("", BasicCredentials.parse(basic("bob:".getBytes(StandardCharsets.UTF_8))).orElseThrow().secret());
    }

    @Test
    void missingOrMalformedHeaders_areNoCredentials() {
        assertTrue(BasicCredentials.parse(null).isEmpty());
        assertTrue(BasicCredentials.parse("").isEmpty());
        assertTrue(BasicCredentials.parse("Basic").isEmpty());
        assertTrue(BasicCredentials.parse("Bearer abc").isEmpty());
        assertTrue(BasicCredentials.parse("Basic !!!not-base64").isEmpty());
        assertTrue(BasicCredentials.parse(basic("no-colon".getBytes(StandardCharsets.UTF_8))).isEmpty());
        assertTrue(BasicCredentials.parse(basic(":secret-without-token".getBytes(StandardCharsets.UTF_8))).isEmpty());
        // bytes that are not UTF-8: a lone continuation byte, a truncated sequence, an encoded surrogate
        assertTrue(BasicCredentials.parse(basic(new byte[] {'a', ':', (byte) 0x80})).isEmpty());
        assertTrue(BasicCredentials.parse(basic(new byte[] {'a', ':', (byte) 0xc3})).isEmpty());
        assertTrue(BasicCredentials.parse(basic(new byte[] {'a', ':', (byte) 0xed, (byte) 0xa0, (byte) 0x80})).isEmpty());
    }
}
