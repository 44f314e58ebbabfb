package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidException.Reason;

class PlasmidHubTest {
    private final PlasmidHub hub = PlasmidHub.inMemory();

    @AfterEach
    void close() {
        hub.close();
    }

    static Change put(String store, String key, String json) {
        return Change.put(store, key, JsonValue.parse(json));
    }

    private List<Change> pull(String db, long since, int limit, PullResult[] result) {
        List<Change> out = new ArrayList<>();
        result[0] = hub.pull(db, since, limit, out::add);
        return out;
    }

    @Test
    void newDatabase_startsAtRevisionOne() {
        assertEquals(new DatabaseInfo("db", 1, 0), hub.info("db"));
    }

    @Test
    void push_fromTheCurrentRevision_isAcceptedAsTheNextRevision() {
        assertEquals(PushResult.accepted(2, 2), hub.push("db", 1, List.of(put("s", "a", "1"), put("s", "b", "2"))));
        assertEquals(2, hub.info("db").revision());
    }

    @Test
    void push_fromAStaleRevision_isOutOfDate_andWritesNothing() {
        hub.push("db", 1, List.of(put("s", "a", "1")));
        assertEquals(PushResult.outOfDate(2), hub.push("db", 1, List.of(put("s", "a", "2"))));
        PullResult[] r = new PullResult[1];
        assertEquals("1", pull("db", 0, 0, r).get(0).value().toString());
    }

    @Test
    void push_fromAheadOfTheCurrentRevision_isAccepted() {
        assertEquals(PushResult.Status.ACCEPTED, hub.push("db", 50, List.of(put("s", "a", "1"))).status());
    }

    @Test
    void push_withNothing_writesNothing_andAnswersTheCurrentRevision() {
        hub.push("db", 1, List.of(put("s", "a", "1")));
        assertEquals(PushResult.accepted(2, 0), hub.push("db", 2, List.of()));
        assertEquals(2, hub.info("db").revision());
    }

    @Test
    void push_namingAKeyTwice_keepsTheLastValue() {
        assertEquals(PushResult.accepted(2, 1), hub.push("db", 1, List.of(put("s", "a", "1"), put("s", "a", "2"))));
        PullResult[] r = new PullResult[1];
        assertEquals("2", pull("db", 0, 0, r).get(0).value().toString());
    }

    @Test
    void push_withANegativeRevision_isInvalid() {
        PlasmidException e = assertThrows(PlasmidException.class, () -> hub.push("db", -1, List.of()));
        assertEquals(Reason.INVALID, e.reason());
    }

    @Test
    void push_retriedWithTheSamePushId_answersDuplicate_evenFromAStaleRevision() {
        List<Change> changes = List.of(put("s", "a", "1"));
        assertEquals(PushResult.accepted(2, 1), hub.push("db", 1, changes, "once"));
        hub.push("db", 2, List.of(put("s", "b", "1")));
        assertEquals(PushResult.duplicate(2, 1), hub.push("db", 1, changes, "once"));
        assertEquals(3, hub.info("db").revision());
    }

    @Test
    void pull_returnsDeletesAsNull_andCloneLeavesThemOut() {
        hub.push("db", 1, List.of(put("s", "a", "1"), put("s", "b", "2")));
        hub.push("db", 2, List.of(Change.delete("s", "a")));
        PullResult[] r = new PullResult[1];
        List<Change> changes = pull("db", 0, 0, r);
        assertEquals(List.of(new Change("s", "b", 2, JsonValue.parse("2")), new Change("s", "a", 3, null)), changes);
        assertEquals(new PullResult(0, 3, false, 2), r[0]);
        List<Change> state = new ArrayList<>();
        assertEquals(3, hub.clone("db", state::add));
        assertEquals(List.of(new Change("s", "b", 2, JsonValue.parse("2"))), state);
    }

    @Test
    void pull_atOrAboveTheCurrentRevision_isEmpty() {
        hub.push("db", 1, List.of(put("s", "a", "1")));
        PullResult[] r = new PullResult[1];
        assertEquals(List.of(), pull("db", 2, 0, r));
        assertEquals(new PullResult(2, 2, false, 0), r[0]);
        assertEquals(List.of(), pull("db", 9, 0, r));
    }

    @Test
    void pull_withALimit_stopsAtARevisionBoundary_andSaysThereIsMore() {
        hub.push("db", 1, List.of(put("s", "a", "1"), put("s", "b", "1")));       // rev 2: 2 objects
        hub.push("db", 2, List.of(put("s", "c", "1"), put("s", "d", "1"), put("s", "e", "1"))); // rev 3: 3
        hub.push("db", 3, List.of(put("s", "f", "1")));                           // rev 4: 1
        PullResult[] r = new PullResult[1];
        assertEquals(2, pull("db", 0, 1, r).size()); // revision 2 is never split
        assertEquals(new PullResult(0, 2, true, 2), r[0]);
        assertEquals(3, pull("db", 2, 3, r).size());
        assertEquals(new PullResult(2, 3, true, 3), r[0]);
        assertEquals(1, pull("db", 3, 3, r).size());
        assertEquals(new PullResult(3, 4, false, 1), r[0]);
        assertEquals(6, pull("db", 0, 6, r).size());
        assertEquals(new PullResult(0, 4, false, 6), r[0]);
        assertEquals(5, pull("db", 0, 3, r).size());
        assertEquals(new PullResult(0, 3, true, 5), r[0]);
    }

    @Test
    void pull_withANegativeRevision_isInvalid() {
        assertThrows(PlasmidException.class, () -> hub.pull("db", -1, 0, c -> true));
    }

    @Test
    void values_surviveByteForByte() {
        String json = "{\"big\": 123456789012345678901234567890, \"z\": 1, \"a\": \"\\u00e9\"}";
        hub.push("db", 1, List.of(put("s", "k", json)));
        PullResult[] r = new PullResult[1];
        assertEquals(json, pull("db", 0, 0, r).get(0).value().toString());
    }

    @Test
    void invalidNames_areRefused() {
        for (String bad : new String[] {"", ".hidden", "../x", "a/b", "a\\b", "a\u0000b", "x".repeat(129), "caf\u00e9"}) {
            PlasmidException e = assertThrows(PlasmidException.class, () -> hub.info(bad), bad);
            assertEquals(Reason.INVALID, e.reason());
        }
        assertThrows(PlasmidException.class, () -> put("", "k", "1"));
        assertThrows(PlasmidException.class, () -> put("s", "k".repeat(1025), "1"));
        assertThrows(PlasmidException.class, () -> put("s", "\ud800", "1"));
    }

    @Test
    void awaitChange_completesWhenAPushPassesTheRevision() throws Exception {
        hub.info("db");
        CompletableFuture<Long> waiting = hub.awaitChange("db", 1);
        assertFalse(waiting.isDone());
        hub.push("db", 1, List.of(put("s", "a", "1")));
        assertEquals(2L, waiting.get(5, TimeUnit.SECONDS));
        assertTrue(hub.awaitChange("db", 1).isDone(), "already past");
    }

    @Test
    void changeListener_hearsEveryAcceptedPush() throws Exception {
        List<String> heard = new ArrayList<>();
        AutoCloseable registration = hub.addChangeListener((db, rev) -> heard.add(db + "@" + rev));
        hub.push("db", 1, List.of(put("s", "a", "1")));
        hub.push("db", 1, List.of(put("s", "a", "1"))); // out of date: not heard
        hub.push("db", 2, List.of());                   // empty: not heard
        registration.close();
        hub.push("db", 2, List.of(put("s", "a", "2")));     // after removal: not heard
        assertEquals(List.of("db@2"), heard);
    }

    @Test
    void close_failsWaitersAndLaterCalls() {
        hub.info("db");
        CompletableFuture<Long> waiting = hub.awaitChange("db", 5);
        hub.close();
        assertTrue(waiting.isCompletedExceptionally());
        PlasmidException e = assertThrows(PlasmidException.class, () -> hub.info("db"));
        assertEquals(Reason.CLOSED, e.reason());
    }

    @Test
    void aStorageHandedIn_withoutAdoption_staysOpen() {
        org.plasmid.core.mapdb.MapDbStorage storage = org.plasmid.core.mapdb.MapDbStorage.inMemory();
        PlasmidHub borrowed = PlasmidHub.builder().storage(storage, false).build();
        borrowed.push("db", 1, List.of(put("s", "a", "1")));
        borrowed.close();
        assertEquals(2, storage.revision("db").orElseThrow());
        storage.close();
    }

    @Test
    void builder_refusesSettingTwice() {
        PlasmidHub.Builder b = PlasmidHub.builder().secretHashIterations(10);
        assertThrows(IllegalStateException.class, () -> b.secretHashIterations(20));
        assertThrows(IllegalStateException.class, b::build);
    }
}
