package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.AccountResult;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.servlet.FaultyStorage.Op;

/**
 * Brute-force throttling over real sockets, each client on its own loopback address (127.0.0.x): after
 * repeated failures per client address or per access token, 429 with {@code Retry-After} without
 * checking the secret, until the window ends; the owner's own devices are not locked out.
 */
class ThrottleTest {
    private static final String BOB = TestServer.basic("bob", "bob-secret");

    private FaultyStorage storage;
    private PlasmidHub hub;
    private TestServer server;
    private int port;

    private void start(PlasmidServletOptions options) throws Exception {
        storage = new FaultyStorage(MapDbStorage.inMemory());
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        for (String user : new String[] {"bob", "alice"}) {
            hub.accounts().setSecret(user, user + "-secret");
            hub.accounts().grant(user, "ReadDatabase", "*", "Yes");
            hub.accounts().grant(user, "CreateDatabase", "*", "Yes");
        }
        server = new TestServer();
        server.mount(options == null ? new PlasmidServlet(hub) : new PlasmidServlet(hub, options), TestServer.MAPPING);
        server.withNetwork().start();
        port = Integer.parseInt(server.networkApi().replaceAll(".*:(\\d+)/.*", "$1"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            hub.close();
        }
    }

    private RawHttp.Response get(int lastOctet, String auth) throws Exception {
        RawHttp from = new RawHttp(port, InetAddress.getByName("127.0.0." + lastOctet), 10_000);
        RawHttp.Request r = new RawHttp.Request("GET", TestServer.API + "d/notes");
        if (auth != null) {
            r.header("Authorization", auth);
        }
        return from.send(r.end());
    }

    private static void assertThrottled(RawHttp.Response r, long maxSeconds) {
        assertEquals(429, r.status(), r.toString());
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= maxSeconds, r.toString());
        Map<String, Object> body = TestJson.object(r.text());
        assertEquals(List.of("error", "reason", "request_id"), List.copyOf(body.keySet()), r.toString());
        assertEquals("throttled", body.get("reason"));
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
    }


    private long credentialLookups() {
        return storage.calls().stream().filter(op -> op == Op.CREDENTIAL).count();
    }

    @Test
    void afterRepeatedFailuresFromOneAddress_evenTheRightSecretFromIt_is429_unchecked_whileOtherAddressesGetIn()
            throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAddress(6).authFailureWindow(Duration.ofSeconds(30))
                .build());
        for (int i = 0; i < 6; i++) {
            assertEquals(401, get(2, TestServer.basic("guess" + i, "nope")).status());
        }
        long lookups = credentialLookups();
        assertThrottled(get(2, BOB), 30);
        assertThrottled(get(2, TestServer.basic("alice", "alice-secret")), 30);
        assertEquals(lookups, credentialLookups(), "a throttled attempt must not check the secret");
        assertEquals(200, get(3, BOB).status());
    }

    @Test
    void aDeviceOnAGeneratedSecret_doesNotWaitBehindAChosenSecretsCheckInProgress_fromItsAddress()
            throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAddress(1).authQueueWait(Duration.ZERO).build());
        hub.accounts().grant("bob", "CreateAccess", "*", "Yes");
        AccountResult created = hub.authenticate("bob", "bob-secret").orElseThrow().createCredentials(null, null, false);
        hub.accounts().grant(created.access(), "ReadDatabase", "*", "Yes");
        hub.accounts().grant(created.access(), "CreateDatabase", "*", "Yes");
        String device = TestServer.basic(created.access(), created.secret());
        hub.accounts().setSecret("carol", "carol-secret");
        hub.accounts().grant("carol", "ReadDatabase", "*", "Yes");
        // alice's first check holds the address's one place among checks in progress: its second
        // credential lookup (the first asks whether the secret needs a slow hash) stalls inside the throttle
        FaultyStorage.Stall stall = storage.stallNext(Op.CREDENTIAL, 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<RawHttp.Response> alices = pool.submit(() -> get(9, TestServer.basic("alice", "alice-secret")));
            stall.awaitStalled();
            assertThrottled(get(9, TestServer.basic("carol", "carol-secret")), 30); // a first check waits its turn
            assertEquals(200, get(9, device).status(), "a generated secret takes no place among them");
            assertEquals(200, get(9, BOB).status(), "nor does a chosen secret already confirmed (above)");
            stall.release();
            assertEquals(200, alices.get(20, TimeUnit.SECONDS).status());
        } finally {
            stall.release();
            pool.shutdownNow();
        }
    }

    @Test
    void afterRepeatedFailuresForOneToken_fromManyAddresses_itIs429Everywhere_butOnItsOwnersDevices()
            throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAccess(4).authFailureWindow(Duration.ofSeconds(30))
                .build());
        assertEquals(200, get(10, BOB).status()); // the owner's device
        for (int i = 0; i < 4; i++) {
            assertEquals(401, get(20 + i, TestServer.basic("bob", "guess" + i)).status());
        }
        assertThrottled(get(30, BOB), 30);
        assertThrottled(get(31, TestServer.basic("bob", "guess")), 30);
        assertEquals(200, get(10, BOB).status());
        assertEquals(200, get(30, TestServer.basic("alice", "alice-secret")).status());
    }

    @Test
    void theOwnersSecondDevice_confirmedWithoutASlowHash_isNotLockedOut_byFailuresForItsToken() throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAccess(4).authFailureWindow(Duration.ofSeconds(30))
                .build());
        assertEquals(200, get(10, BOB).status()); // a slow check: the secret is confirmed and remembered
        long slowHashes = hub.accounts().slowHashes();
        assertEquals(200, get(11, BOB).status()); // another device of the owner's
        assertEquals(slowHashes, hub.accounts().slowHashes(), "a confirmed secret needs no slow hash");
        for (int i = 0; i < 4; i++) {
            assertEquals(401, get(20 + i, TestServer.basic("bob", "guess" + i)).status());
        }
        assertThrottled(get(30, BOB), 30);
        assertEquals(200, get(11, BOB).status());
        assertEquals(200, get(10, BOB).status());
    }

    @Test
    void aBlock_ends_soTheOwner_whoWaitsRetryAfter_getsIn() throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAccess(3).authFailureWindow(Duration.ofSeconds(1))
                .build());
        RawHttp.Response r = null;
        for (int i = 0; i < 20 && (r == null || r.status() != 429); i++) {
            r = get(40, TestServer.basic("bob", "guess" + i));
        }
        assertThrottled(r, 1);
        Thread.sleep(Long.parseLong(r.header("Retry-After")) * 1000 + 50);
        assertEquals(200, get(40, BOB).status());
    }

    @Test
    void anUnknownAccess_andAWrongSecret_areAnsweredAlike_beforeAndWhenThrottled() throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAccess(3).authFailureWindow(Duration.ofSeconds(30))
                .build());
        List<RawHttp.Response> unknown = new ArrayList<>();
        List<RawHttp.Response> wrong = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            unknown.add(get(50 + i, TestServer.basic("nobody", "bob-secret")));
            wrong.add(get(60 + i, TestServer.basic("bob", "not-bob-secret")));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(i < 3 ? 401 : 429, unknown.get(i).status(), unknown.get(i).toString());
            assertEquals(unknown.get(i).status(), wrong.get(i).status());
            assertEquals(TestJson.withoutRequestId(unknown.get(i).text()), TestJson.withoutRequestId(wrong.get(i).text()));
            assertEquals(unknown.get(i).header("WWW-Authenticate"), wrong.get(i).header("WWW-Authenticate"));
            assertEquals(unknown.get(i).header("Content-Type"), wrong.get(i).header("Content-Type"));
        }
    }

    @Test
    void requestsWithoutOrWithMalformedCredentials_costNothing_andAreNotCounted() throws Exception {
        start(PlasmidServletOptions.builder().maxAuthFailuresPerAddress(2).build());
        for (int i = 0; i < 20; i++) {
            assertEquals(401, get(70, null).status());
            assertEquals(401, get(70, "Basic !!!").status());
        }
        assertEquals(200, get(70, BOB).status());
    }

    @Test
    void theDefaults_allowTenFailuresPerToken() throws Exception {
        start(null);
        for (int i = 0; i < 10; i++) {
            assertEquals(401, get(80 + i, TestServer.basic("bob", "guess" + i)).status());
        }
        assertThrottled(get(90, BOB), 60);
    }

    @Test
    void theInitParams_configureTheThrottle() throws Exception {
        storage = new FaultyStorage(MapDbStorage.inMemory());
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hub.accounts().setSecret("bob", "bob-secret");
        hub.accounts().grant("bob", "ReadDatabase", "*", "Yes");
        server = new TestServer();
        server.context.setAttribute(PlasmidServlet.HUB_ATTRIBUTE, hub);
        ServletHolder holder = server.mount(new PlasmidServlet(), TestServer.MAPPING);
        holder.setInitParameter(PlasmidServlet.AUTH_FAILURES_PER_ACCESS_PARAM, "50");
        holder.setInitParameter(PlasmidServlet.AUTH_FAILURES_PER_ADDRESS_PARAM, "2");
        holder.setInitParameter(PlasmidServlet.AUTH_FAILURE_WINDOW_SECONDS_PARAM, "7");
        server.withNetwork().start();
        port = Integer.parseInt(server.networkApi().replaceAll(".*:(\\d+)/.*", "$1"));
        assertEquals(401, get(100, TestServer.basic("x", "y")).status());
        assertEquals(401, get(100, TestServer.basic("z", "y")).status());
        assertThrottled(get(100, BOB), 7);
    }
}
