package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/**
 * The default limits of PROTOCOL.md §6: a body over 16 MiB (declared or chunked) and a value over 1 MiB
 * are 413, a value nesting deeper than 64 is 400, and in every case nothing is written. Each oversized
 * body is otherwise a valid push, so the test fails if a limit is not enforced.
 */
class LimitsTest extends ApiTestBase {
    private static final int MIB = 1 << 20;

    /** A valid push of {@code count} string values of {@code valueBytes} bytes each (quotes included). */
    static String pushBody(int count, int valueBytes) {
        StringBuilder b = new StringBuilder("{\"last_revision\": 1, \"data\": {\"s\": {");
        String value = "\"" + "v".repeat(valueBytes - 2) + "\"";
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(value);
        }
        return b.append("}}}").toString();
    }

    /** A chunked request (no Content-Length), sent in 64 KiB chunks. */
    static ByteBuffer chunked(String path, String auth, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 100_000);
        String head = "POST " + TestServer.API + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + auth
                + "\r\nContent-Type: text/plain;charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        for (int off = 0; off < body.length; off += 65536) {
            int n = Math.min(65536, body.length - off);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, off, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return ByteBuffer.wrap(out.toByteArray());
    }

    @Test
    void aBodyOver16MiB_withContentLength_is413_andNothingIsWritten() throws Exception {
        String body = pushBody(17, MIB - 100);
        HttpTester.Response r = post("d/big/update/", ADMIN, body);
        assertEquals(413, r.getStatus());
        assertEquals("toolarge", json(r).get("reason"));
        assertEquals(-1, revisionOf("big"));
    }

    @Test
    void aChunkedBodyOver16MiB_withoutContentLength_is413_andNothingIsWritten() throws Exception {
        byte[] body = pushBody(17, MIB - 100).getBytes(StandardCharsets.UTF_8);
        HttpTester.Response r = server.send(chunked("d/big/update/", ADMIN, body), 30);
        assertEquals(413, r.getStatus());
        assertEquals("toolarge", json(r).get("reason"));
        assertEquals(-1, revisionOf("big"));
    }

    @Test
    void aChunkedBodyUnder16MiB_isAccepted() throws Exception {
        byte[] body = pushBody(15, MIB - 100).getBytes(StandardCharsets.UTF_8);
        HttpTester.Response r = server.send(chunked("d/big/update/", ADMIN, body), 30);
        assertEquals("{\"saved\":15,\"revision\":2}", r.getContent());
    }

    @Test
    void aValueOf1MiB_isAccepted_butOneByteMore_is413_andNothingIsWritten() throws Exception {
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/values/update/", ADMIN, pushBody(1, MIB)).getContent());
        HttpTester.Response r = post("d/values/update/", ADMIN,
                pushBody(1, MIB + 1).replace("\"last_revision\": 1", "\"last_revision\": 2"));
        assertEquals(413, r.getStatus());
        assertEquals("toolarge", json(r).get("reason"));
        assertEquals(2, revisionOf("values"));
    }

    @Test
    void aValueNesting64Deep_isAccepted_but65_is400_andNothingIsWritten() throws Exception {
        String ok = "[".repeat(64) + "]".repeat(64);
        String deep = "{\"a\":" + ok + "}";
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/deep/update/", ADMIN,
                "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": " + ok + "}}}").getContent());
        HttpTester.Response r = post("d/deep/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"k\": " + deep + "}}}");
        assertEquals(400, r.getStatus());
        assertEquals("invalid", json(r).get("reason"));
        assertEquals(2, revisionOf("deep"));
    }

    @Test
    void aPushOfMoreThan100000Objects_is413_andNothingIsWritten() throws Exception {
        StringBuilder b = new StringBuilder("{\"last_revision\": 1, \"data\": {\"s\": {");
        for (int i = 0; i <= 100_000; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        HttpTester.Response r = post("d/many/update/", ADMIN, b.append("}}}").toString());
        assertEquals(413, r.getStatus());
        assertEquals("toolarge", json(r).get("reason"));
        assertEquals(-1, revisionOf("many"));
    }
}
