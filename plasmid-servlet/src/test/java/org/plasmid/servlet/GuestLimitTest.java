package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * Guest accounts ({@code POST a/}, {@code "type": "guest"}) are limited per client address and window:
 * beyond the limit, 429 with {@code Retry-After} and {@code {"error", "reason": "throttled"}}, the shape
 * of the authentication throttle's 429, and nothing is created. Only creations that succeed count. Over
 * real sockets, each client on its own loopback address (127.0.0.x).
 */
class GuestLimitTest {
    private static final String ADMIN = TestServer.basic("admin", "admin-secret");
    private static final String BOB = TestServer.basic("bob", "bob-secret");
    private static final String GUEST = "{\"type\": \"guest\"}";

    private MapDbStorage storage;
    private PlasmidHub hub;
    private TestServer server;

    private void start(int guests, Duration window) throws Exception {
        storage = MapDbStorage.inMemory();
        hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
        hub.accounts().setSecret("admin", "admin-secret");
        hub.accounts().grant("admin", "*", "*", "Yes");
        hub.accounts().setSecret("bob", "bob-secret"); // may not create guests
        server = new TestServer();
        server.mount(new PlasmidServlet(hub, PlasmidServletOptions.builder().maxGuestsPerAddress(guests)
                .guestWindow(window).build()), TestServer.MAPPING);
        server.withNetwork().start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
            hub.close();
        }
    }

    private RawHttp.Response createFrom(int lastOctet, String auth, String body) throws Exception {
        RawHttp from = new RawHttp(server.networkPort(), InetAddress.getByName("127.0.0." + lastOctet), 10_000);
        return from.send(new RawHttp.Request("POST", TestServer.API + "a/").header("Authorization", auth)
                .body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Map<String, Object> json(RawHttp.Response r) {
        return TestJson.object(r.text());
    }

    private static void assertCreatedGuest(RawHttp.Response r) {
        assertEquals(200, r.status(), r.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> success = (Map<String, Object>) json(r).get("success");
        assertTrue(success != null && success.get("dbname") instanceof String, r.toString());
    }

    private static void assertThrottled(RawHttp.Response r, long maxSeconds) {
        assertEquals(429, r.status(), r.toString());
        long retryAfter = Long.parseLong(r.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= maxSeconds, r.toString());
        assertEquals(List.of("error", "reason", "request_id"), List.copyOf(json(r).keySet()), r.toString());
        assertEquals("throttled", json(r).get("reason"));
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.toString());
    }

    private TreeSet<String> accounts() {
        return new TreeSet<>(hub.accounts().list());
    }

    @Test
    void beyondTheLimit_guestCreationFromOneAddress_is429_andCreatesNothing_whileOtherAddressesCreate()
            throws Exception {
        start(2, Duration.ofHours(1));
        assertCreatedGuest(createFrom(20, ADMIN, GUEST));
        assertCreatedGuest(createFrom(20, ADMIN, GUEST));
        assertEquals(4, accounts().size(), "admin, bob and two guests: " + accounts());

        assertThrottled(createFrom(20, ADMIN, GUEST), 3600);
        assertThrottled(createFrom(20, ADMIN, "{\"type\": \"guest\", \"access\": \"x\", \"secret\": \"y\"}"), 3600);
        assertEquals(4, accounts().size(), "a refused creation creates nothing: " + accounts());

        assertCreatedGuest(createFrom(21, ADMIN, GUEST));
        assertEquals("carol", ((Map<?, ?>) json(createFrom(20, ADMIN, "{\"access\": \"carol\"}")).get("success"))
                .get("access"), "other accounts are not limited");
    }

    @Test
    void refusedCreations_costNothing() throws Exception {
        start(2, Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            assertEquals("forbidden", json(createFrom(22, BOB, GUEST)).get("reason"), "bob may not create guests");
            assertEquals(400, createFrom(22, ADMIN, "{\"type\": 5}").status());
        }
        assertCreatedGuest(createFrom(22, ADMIN, GUEST));
        assertCreatedGuest(createFrom(22, ADMIN, GUEST));
        assertThrottled(createFrom(22, BOB, GUEST), 3600);
    }

    @Test
    void theLimit_endsWithItsWindow() throws Exception {
        start(1, Duration.ofSeconds(1));
        assertCreatedGuest(createFrom(23, ADMIN, GUEST));
        RawHttp.Response r = createFrom(23, ADMIN, GUEST);
        assertThrottled(r, 1);
        Thread.sleep(Long.parseLong(r.header("Retry-After")) * 1000 + 50);
        assertCreatedGuest(createFrom(23, ADMIN, GUEST));
    }
}
