package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.plasmid.core.PlasmidHub;

/**
 * Slow clients cannot starve the server (the finding: a POST trickling one byte every 20 s held a
 * servlet thread for 104 s, so about 200 such connections starved the pool). Bodies are read without
 * holding a thread, and one that falls below the minimum rate or passes the deadline is answered 408,
 * {@code Connection: close}, and its connection closed. Over real sockets, with short test deadlines;
 * timings are only checked against generous lower bounds (nothing is answered before its time).
 */
class SlowClientsTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final byte[] START = "{\"last_revision\": 1, ".getBytes(StandardCharsets.US_ASCII);

    private PlasmidHub hub;
    private TestServer server;
    private PlasmidServlet servlet;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() {
        hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.createDatabase("notes");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        hub.close();
    }

    private void start(PlasmidServletOptions.Builder options, QueuedThreadPool pool, boolean async) throws Exception {
        // many connections authenticate at once from one address: no throttling here (ThrottleTest has it)
        servlet = new PlasmidServlet(hub, options.maxAuthFailuresPerAccess(1000).maxAuthFailuresPerAddress(1000)
                .build());
        server = new TestServer(pool);
        server.mount(servlet, TestServer.MAPPING).setAsyncSupported(async);
        server.withNetwork().start();
    }

    /** Opens a connection, sends a push's head declaring {@code declared} bytes and the first bytes of its body. */
    private Socket slowPush(int declared, byte[] first) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.networkPort()), 10_000);
        s.setSoTimeout(20_000);
        OutputStream o = s.getOutputStream();
        o.write(("POST " + TestServer.API + "d/notes/update/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + ADMIN
                + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + declared + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        o.write(first);
        o.flush();
        return s;
    }

    /** Reads the answer on a connection, and checks that the server then closes it. */
    private static RawHttp.Response answerThenClose(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        RawHttp.Response r = null;
        while (r == null) {
            int n = in.read(buf);
            if (n < 0) {
                return RawHttp.parse(all.toByteArray(), true, false);
            }
            all.write(buf, 0, n);
            r = RawHttp.parse(all.toByteArray(), false, false);
        }
        try {
            assertEquals(-1, in.read(), "the connection is closed after the answer");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was left open after " + r, e);
        } catch (IOException e) {
            // reset: closed too
        }
        return r;
    }

    private static void assertTimedOut(RawHttp.Response r) {
        assertEquals(408, r.status(), r.toString());
        assertEquals("close", r.header("Connection"), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
        assertEquals(List.of("error", "reason", "request_id"), List.copyOf(TestJson.object(r.text()).keySet()),
                r.toString());
        assertEquals("timeout", TestJson.object(r.text()).get("reason"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aHundredStalledBodies_holdNoThread_soOthersAreServed_andEachIsAnswered408AndClosed() throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(100).bodyRateGracePeriod(Duration.ofSeconds(3)),
                new QueuedThreadPool(16), true);
        long t0 = System.nanoTime();
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            slow.add(slowPush(1000, START)); // then nothing more
        }
        await(() -> servlet.bodiesBeingRead() == 100, "100 bodies are being read, by a pool of 16 threads");

        RawHttp.Response info = new RawHttp(server.networkPort(), null, 20_000).send(
                new RawHttp.Request("GET", TestServer.API + "d/notes").header("Authorization", ADMIN).end());
        assertEquals("{\"name\":\"notes\",\"revision\":1}", info.text());
        assertEquals(100, servlet.bodiesBeingRead(), "answered while all 100 stalled bodies were still held");

        for (Socket s : slow) {
            assertTimedOut(answerThenClose(s));
        }
        assertTrue(millisSince(t0) >= 2500, "not before the grace period was over: " + millisSince(t0) + " ms");
        await(() -> servlet.bodiesBeingRead() == 0, "no body is being read");
        assertEquals(1, hub.find("notes").orElseThrow().revision(), "nothing was written");
    }

    @ParameterizedTest(name = "async support: {0}")
    @ValueSource(booleans = {true, false})
    void aBodyTricklingFasterThanTheMinimumRate_isStill408_atTheDeadline(boolean async) throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(1).bodyRateGracePeriod(Duration.ofSeconds(1))
                .bodyDeadline(Duration.ofSeconds(2)), null, async);
        long t0 = System.nanoTime();
        Socket s = slowPush(1000, START);
        OutputStream o = s.getOutputStream();
        try {
            for (int i = 0; i < 60; i++) { // 10 bytes a second: above the rate, but 1000 bytes would take 100 s
                Thread.sleep(100);
                o.write(' ');
                o.flush();
            }
        } catch (IOException e) {
            // the server answered and closed the connection meanwhile
        }
        assertTimedOut(answerThenClose(s));
        assertTrue(millisSince(t0) >= 1900, "not before the deadline: " + millisSince(t0) + " ms");
        assertEquals(1, hub.find("notes").orElseThrow().revision(), "nothing was written");
    }

    @Test
    void aBodyThatStalls_is408_onceItsAverageRateFallsBelowTheMinimum_afterTheGrace() throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(100).bodyRateGracePeriod(Duration.ofSeconds(1)),
                null, true);
        long t0 = System.nanoTime();
        Socket s = slowPush(1000, START);
        assertTimedOut(answerThenClose(s));
        assertTrue(millisSince(t0) >= 900, "not before the grace period was over: " + millisSince(t0) + " ms");
        await(() -> servlet.bodiesBeingRead() == 0, "no body is being read");
    }

    @Test
    void aBodyThatArrivesInPieces_withinThePace_isServed() throws Exception {
        start(PlasmidServletOptions.builder().minBodyBytesPerSecond(10).bodyRateGracePeriod(Duration.ofSeconds(1))
                .bodyDeadline(Duration.ofSeconds(10)), null, true);
        byte[] body = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": \"v\"}}}".getBytes(StandardCharsets.US_ASCII);
        Socket s = slowPush(body.length, new byte[0]);
        OutputStream o = s.getOutputStream();
        for (int off = 0; off < body.length; off += 12) { // in pieces, each its own read
            o.write(body, off, Math.min(12, body.length - off));
            o.flush();
            Thread.sleep(50);
        }
        s.shutdownOutput();
        RawHttp.Response r = answerThenClose(s);
        assertEquals("{\"saved\":1,\"revision\":2}", r.text(), r.toString());
    }
}
