package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;

/**
 * A long-poll is held at most the configured maximum wait, whatever {@code ?wait} asks for, so that a
 * container whose idle timeout is shorter than the asked wait never cuts a poll without an answer (the
 * finding: a {@code wait=60} poll cut in 5 of 2,200 under Jetty's default 30 s idle timeout). The waits
 * run on the servlet's own timer thread, which ends with the servlet.
 */
class MaxWaitTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final long IDLE_TIMEOUT_MILLIS = 1500;

    private PlasmidHub hub;
    private TestServer server;

    @BeforeEach
    void setUp() {
        hub = TestServer.fastHub();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.createDatabase("notes");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.close();
        }
        hub.close();
    }

    private void start(Duration maxWait, boolean async) throws Exception {
        server = new TestServer();
        ServletHolder holder = new ServletHolder("maxwait", new PlasmidServlet(hub, PlasmidServletOptions.builder()
                .maxWait(maxWait).build()));
        holder.setAsyncSupported(async);
        server.context.addServlet(holder, TestServer.MAPPING);
        server.withNetwork().networkConnector().setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        server.start();
    }

    private RawHttp.Response poll(String wait) throws Exception {
        return new RawHttp(server.networkPort(), null, 20_000).send(new RawHttp.Request("GET",
                TestServer.API + "d/notes/update/1?wait=" + wait).header("Authorization", ADMIN).end());
    }

    @ParameterizedTest(name = "async support: {0}")
    @ValueSource(booleans = {true, false})
    void aPollAskingToWaitLongerThanTheIdleTimeout_isAnsweredAtTheMaximumWait_neverCut(boolean async) throws Exception {
        start(Duration.ofSeconds(1), async);
        long t0 = System.nanoTime();
        RawHttp.Response r = poll("60");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.status(), r.toString());
        assertEquals("{\"since\":1,\"updates\":[],\"until\":1}", r.text());
        assertTrue(millis >= 900, "held for the maximum wait, not answered at once: " + millis + " ms");
    }

    @Test
    void aWaitOverSixtySeconds_isStill400_asTheProtocolSays() throws Exception {
        start(Duration.ofSeconds(1), true);
        assertEquals(400, poll("61").status());
        assertEquals(200, poll("0.2").status(), "a wait below the maximum is kept");
    }

    @Test
    void stoppingTheServlet_endsItsTimerThread() throws Exception {
        start(Duration.ofSeconds(1), true);
        assertEquals(200, poll("0.2").status());
        assertTrue(timerThreadAlive(), "the servlet's timer runs while it serves");
        server.close();
        server = null;
        assertFalse(timerThreadAlive(), "destroy() ends the timer thread");
    }

    @Test
    void waitsRunOnTheServletsTimer_notOnTheJdksSharedDelayThread() throws Exception {
        assumeFalse(jdkDelaySchedulerAlive(), "something else in this JVM started the JDK's delay thread already");
        start(Duration.ofSeconds(1), true);
        assertEquals(200, poll("0.2").status());
        assertFalse(jdkDelaySchedulerAlive(), "a poll's wait started CompletableFuture's delay thread, which "
                + "outlives the web application (Tomcat reports it as a leak)");
    }

    private static boolean timerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(PlasmidServlet.TIMER_THREAD_PREFIX + "maxwait") && t.isAlive());
    }

    private static boolean jdkDelaySchedulerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("CompletableFutureDelayScheduler"));
    }
}
