package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The limits of PROTOCOL.md §6 on every container ({@link ContainerContract}): bodies, values, nesting and
 * objects over their limits, bodies that stall or are cut short. On Jetty alone in depth: LimitsTest,
 * ConfiguredLimitsTest, SlowClientsTest, HostileInputTest.
 */
class ContainerLimitsTest extends ContainerContract {
    @Test
    void aBodyOverTheLimit_is413_withContentLengthOrChunked_andNothingIsWritten() throws Exception {
        start();
        byte[] big = LimitsTest.pushBody(17, MIB - 100).getBytes(StandardCharsets.UTF_8);
        RawHttp.Request declared = new RawHttp.Request("POST", Container.API + "d/big/update/")
                .header("Authorization", ADMIN);
        assertAnswer(413, "toolarge", container.http(30_000).send(declared.body(big)));
        RawHttp.Request chunked = new RawHttp.Request("POST", Container.API + "d/big/update/")
                .header("Authorization", ADMIN);
        assertAnswer(413, "toolarge", container.http(30_000).send(chunked.chunked(big, 65536, true)));
        assertEquals(-1, revisionOf("big"));

        byte[] under = LimitsTest.pushBody(15, MIB - 100).getBytes(StandardCharsets.UTF_8);
        RawHttp.Request accepted = new RawHttp.Request("POST", Container.API + "d/big/update/")
                .header("Authorization", ADMIN);
        assertEquals("{\"saved\":15,\"revision\":2}", container.http(30_000).send(accepted.chunked(under, 65536, true))
                .text());
    }

    @Test
    void aValueOverTheLimit_orNestedTooDeep_orTooManyObjects_isRefused_andNothingIsWritten() throws Exception {
        start();
        assertEquals("{\"saved\":1,\"revision\":2}", post("d/v/update/", ADMIN, LimitsTest.pushBody(1, MIB)).text());
        assertAnswer(413, "toolarge", post("d/v/update/", ADMIN,
                LimitsTest.pushBody(1, MIB + 1).replace("\"last_revision\": 1", "\"last_revision\": 2")));
        String deep = "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}";
        assertAnswer(400, "invalid", post("d/v/update/", ADMIN,
                "{\"last_revision\": 2, \"data\": {\"s\": {\"k\": " + deep + "}}}"));
        StringBuilder many = new StringBuilder("{\"last_revision\": 2, \"data\": {\"s\": {");
        for (int i = 0; i <= PlasmidServletOptions.DEFAULT_MAX_OBJECTS_PER_PUSH; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        assertAnswer(413, "toolarge", post("d/v/update/", ADMIN, many.append("}}}").toString()));
        assertEquals(2, revisionOf("v"));
    }

    @Test
    void aBodyThatStalls_is408_andItsConnectionIsClosed() throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(100).bodyRateGracePeriod(Duration.ofSeconds(1))
                .build());
        hub.createDatabase("notes");
        try (Socket s = stalledPush()) { // then nothing more
            InputStream in = s.getInputStream();
            RawHttp.Response r = readAnswer(in);
            assertProtocolHeaders(r);
            assertAnswer(408, "timeout", r);
            assertEquals("close", r.header("Connection"), r.toString());
            assertTrue(readsEndOfStream(in), "the connection is closed after the 408");
        }
        assertEquals(1, revisionOf("notes"), "nothing was written");
        await(() -> servlet.bodiesBeingRead() == 0, "no body is being read");
    }

    @Test
    void aBodyCutShort_is400_andNothingIsWritten() throws Exception {
        start();
        hub.createDatabase("notes");
        byte[] part = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}".getBytes(StandardCharsets.US_ASCII);
        // the client half-closes after the part, so the body ends in EOF before its Content-Length
        RawHttp halfClosing = new RawHttp(container.port(), null, 30_000, true);
        for (boolean chunked : new boolean[] {false, true}) {
            RawHttp.Request push = new RawHttp.Request("POST", Container.API + "d/notes/update/")
                    .header("Authorization", ADMIN);
            byte[] request = chunked ? push.chunked(part, 10, false) : push.body(part, 1000);
            if (kind == Container.Kind.JETTY) {
                RawHttp.Response r = halfClosing.send(request);
                assertProtocolHeaders(r);
                assertAnswer(400, "invalid", r);
            } else {
                // Tomcat takes the end of the client's stream for a client that has gone, and closes the
                // connection without an answer; the servlet's part is to write nothing and answer no success
                try {
                    RawHttp.Response r = halfClosing.send(request);
                    assertEquals(400, r.status(), r.toString());
                } catch (RawHttp.CutShort e) {
                    // no answer: the connection was closed
                }
            }
        }
        assertEquals(1, revisionOf("notes"), "nothing was written");
    }

    @Test
    void withoutAsyncSupport_aBodyThatStalls_is408_whenTheContainerGivesUpOnIt() throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(100).bodyRateGracePeriod(Duration.ofSeconds(1))
                .build(), new Container.Mount(false, Duration.ofMillis(1500)));
        hub.createDatabase("notes");
        try (Socket s = stalledPush()) { // then nothing: the thread reading it blocks until the idle timeout
            InputStream in = s.getInputStream();
            RawHttp.Response r = readAnswer(in);
            assertEquals(408, r.status(), r.toString());
            assertEquals("close", r.header("Connection"), r.toString());
            if (kind == Container.Kind.JETTY) {
                assertProtocolHeaders(r);
                assertAnswer(408, "timeout", r);
            }
            // Tomcat answers a body whose read failed itself (it calls sendError(408) inside the read, and
            // then drops what the servlet writes), with its own error page: the servlet only keeps it a 408
            // rather than turning it into a 500.
        }
        assertEquals(1, revisionOf("notes"), "nothing was written");
    }

    /** Opens a connection and sends the head of a push declaring 1,000 bytes, and its first bytes. */
    private Socket stalledPush() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), container.port()), 10_000);
        s.setSoTimeout(30_000);
        OutputStream o = s.getOutputStream();
        o.write(("POST " + Container.API + "d/notes/update/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ADMIN
                + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 1000\r\n\r\n{\"last_revision\": 1, ")
                .getBytes(StandardCharsets.US_ASCII));
        o.flush();
        return s;
    }

    private static boolean readsEndOfStream(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true; // reset: closed too
        }
    }
}
