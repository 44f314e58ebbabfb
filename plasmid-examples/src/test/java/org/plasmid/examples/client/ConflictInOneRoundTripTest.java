package org.plasmid.examples.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (ext) Conflicts in one round trip, as {@link SimulatedDevice} uses them against a real server (Jetty, the
 * servlet with its default budget, a hub on disk): a stale push is answered {@code outofdate} with the
 * changes it missed, and the device resolves and pushes again without a pull; when the missed changes are
 * too many to carry, it pulls as before. Every request a device makes is counted on its connection.
 */
class ConflictInOneRoundTripTest {
    private static final String STORE = "s";

    @TempDir
    static Path dir;

    private static DevServer server;
    private static URI api;

    @BeforeAll
    static void serve() throws Exception {
        server = DevServer.start(dir);
        api = server.api();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A device whose every request is recorded as "METHOD path status". */
    private static SimulatedDevice device(String db, List<String> requests) {
        SyncClient client = new SyncClient(api, "dev", "secret")
                .observed((method, path, status, nanos) -> requests.add(method + " " + path + " " + status));
        return new SimulatedDevice(client, db, 2);
    }

    private static TextNode text(String s) {
        return TextNode.valueOf(s);
    }

    @Test
    void aStalePush_isResolvedFromTheMissedChangesInTheRefusal_andRetriedWithoutAPull() {
        String db = "one-round-trip";
        List<String> requestsOfA = Collections.synchronizedList(new ArrayList<>());
        SimulatedDevice a = device(db, requestsOfA);
        SimulatedDevice b = device(db, new ArrayList<>());
        b.edit(STORE, "shared", text("base"));
        assertTrue(b.sync().ok());
        a.sync();
        // b moves on by five revisions: one conflicting edit, then more than a's page size of others
        b.edit(STORE, "shared", text("from b"));
        assertTrue(b.sync().ok());
        for (int i = 0; i < 4; i++) {
            b.edit(STORE, "b-" + i, text("b" + i));
            assertTrue(b.sync().ok());
        }
        b.edit(STORE, "b-0", null);
        assertTrue(b.sync().ok());
        a.edit(STORE, "shared", text("from a"));
        a.edit(STORE, "a-only", text("a"));
        requestsOfA.clear();

        SyncClient.Response accepted = a.push(5);

        String push = "POST d/" + db + "/update/ 200";
        assertEquals(List.of(push, push), requestsOfA, "refused, then accepted, and no pull in between");
        assertTrue(accepted.ok(), accepted::toString);
        assertEquals(9, accepted.body().get("revision").asLong(), "pushed from the refusal's until, 8");
        assertEquals(1, a.retries());
        assertEquals(1, a.conflicts(), "b's edit of the key a had edited is a conflict; a's edit wins");
        assertEquals(0, a.pendingCount());
        JsonNode clone = new SyncClient(api, "dev", "secret").cloneDatabase(db).body();
        assertEquals(SimulatedDevice.cloneState(clone), a.data(), "a holds the server's state, b's changes included");
        assertEquals("from a", a.data().get(SimulatedDevice.id(STORE, "shared")).asText());
        assertEquals(9, a.revision());
    }

    @Test
    void aRefusalWithTooManyMissedChangesToCarry_isFollowedByAPull_asBefore() {
        String db = "too-many";
        List<String> requestsOfA = Collections.synchronizedList(new ArrayList<>());
        SimulatedDevice a = device(db, requestsOfA);
        SimulatedDevice b = device(db, new ArrayList<>());
        a.sync();
        String kib = "x".repeat(1024);
        for (int i = 0; i < 300; i++) { // 300 KiB: over the default budget of 256 KiB
            b.edit(STORE, "big-" + i, text(kib));
        }
        assertTrue(b.sync().ok());
        a.edit(STORE, "mine", text("a"));
        requestsOfA.clear();

        SyncClient.Response accepted = a.push(5);

        assertTrue(accepted.ok(), accepted::toString);
        String push = "POST d/" + db + "/update/ 200";
        assertEquals(List.of(push, "GET d/" + db + "/update/1?limit=2 200", push), requestsOfA,
                "refused without the changes, then a pull (one revision, whole), then accepted");
        JsonNode clone = new SyncClient(api, "dev", "secret").cloneDatabase(db).body();
        assertEquals(SimulatedDevice.cloneState(clone), a.data());
        assertEquals(301, a.data().size());
        assertEquals(0, a.conflicts());
    }
}
