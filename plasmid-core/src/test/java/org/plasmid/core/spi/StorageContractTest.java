package org.plasmid.core.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.Grant;

/**
 * The behaviour every {@link Storage} backend must have. A backend's test extends this class and
 * supplies {@link #createStorage()}; {@link #reopen()} lets persistent backends prove that everything
 * survives a close and reopen.
 */
public abstract class StorageContractTest {
    protected Storage storage;

    /** @return a new, empty storage */
    protected abstract Storage createStorage() throws Exception;

    /** Closes and reopens the same storage (a persistent backend); the default keeps it as it is. */
    protected Storage reopen(Storage open) throws Exception {
        return open;
    }

    @BeforeEach
    void setUpStorage() throws Exception {
        storage = createStorage();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    protected static Write put(String store, String key, String json) {
        return new Write(store, key, json.getBytes(UTF_8));
    }

    protected static Write delete(String store, String key) {
        return new Write(store, key, null);
    }

    /** One read entry, values as text ("null" for a deletion). */
    protected record Entry(String store, String key, long revision, String value) {
    }

    protected List<Entry> changes(String db, long since) {
        List<Entry> out = new ArrayList<>();
        storage.readChanges(db, since, (s, k, r, v) -> out.add(new Entry(s, k, r, v == null ? "null" : new String(v, UTF_8))));
        return out;
    }

    protected List<Entry> state(String db) {
        List<Entry> out = new ArrayList<>();
        storage.readState(db, (s, k, r, v) -> out.add(new Entry(s, k, r, new String(v, UTF_8))));
        return out;
    }

    private AppendResult append(String db, long head, Write... writes) {
        return storage.append(db, head, List.of(writes), null, -1);
    }

    @Test
    void missingDatabase_hasNoRevision() {
        assertEquals(OptionalLong.empty(), storage.revision("nope"));
        assertEquals(-1, storage.storedBytes("nope"));
    }

    @Test
    void createDatabase_startsAtRevisionOne_andIsIdempotent() {
        assertTrue(storage.createDatabase("db"));
        assertFalse(storage.createDatabase("db"));
        assertEquals(OptionalLong.of(1), storage.revision("db"));
        assertEquals(0, storage.storedBytes("db"));
        assertEquals(List.of(), changes("db", 0));
        assertEquals(List.of(), state("db"));
    }

    @Test
    void append_atTheHead_writesEveryObjectAsTheNextRevision() {
        storage.createDatabase("db");
        assertEquals(AppendResult.appended(2, 2), append("db", 1, put("s", "a", "1"), put("s", "b", "2")));
        assertEquals(OptionalLong.of(2), storage.revision("db"));
        assertEquals(List.of(new Entry("s", "a", 2, "1"), new Entry("s", "b", 2, "2")), changes("db", 0));
    }

    @Test
    void append_afterTheHeadMoved_writesNothing() {
        storage.createDatabase("db");
        append("db", 1, put("s", "a", "1"));
        assertEquals(AppendResult.headMoved(2), append("db", 1, put("s", "a", "999")));
        assertEquals(List.of(new Entry("s", "a", 2, "1")), changes("db", 0));
    }

    @Test
    void readChanges_returnsOnlyTheLatestEntryPerKey_inRevisionOrder() {
        storage.createDatabase("db");
        append("db", 1, put("s", "a", "1"), put("s", "b", "1"));
        append("db", 2, put("s", "c", "1"));
        append("db", 3, put("s", "a", "2"));
        assertEquals(List.of(new Entry("s", "b", 2, "1"), new Entry("s", "c", 3, "1"), new Entry("s", "a", 4, "2")),
                changes("db", 0));
        assertEquals(List.of(new Entry("s", "c", 3, "1"), new Entry("s", "a", 4, "2")), changes("db", 2));
        assertEquals(List.of(), changes("db", 4));
        assertEquals(List.of(), changes("db", 99));
    }

    @Test
    void readChanges_returnsTheSnapshotRevision_andStopsWhenTheVisitorSaysSo() {
        storage.createDatabase("db");
        append("db", 1, put("s", "a", "1"));
        append("db", 2, put("s", "b", "1"));
        List<String> seen = new ArrayList<>();
        long head = storage.readChanges("db", 0, (s, k, r, v) -> {
            seen.add(k);
            return false;
        });
        assertEquals(3, head);
        assertEquals(List.of("a"), seen);
    }

    @Test
    void deletion_isATombstoneInTheLog_andAbsentFromTheState() {
        storage.createDatabase("db");
        append("db", 1, put("s", "a", "\"x\""), put("s", "b", "\"y\""));
        append("db", 2, delete("s", "a"));
        assertEquals(List.of(new Entry("s", "b", 2, "\"y\""), new Entry("s", "a", 3, "null")), changes("db", 0));
        assertEquals(List.of(new Entry("s", "b", 2, "\"y\"")), state("db"));
        assertEquals(1 + 1 + 3, storage.storedBytes("db"));
    }

    @Test
    void deletingKeysWithoutALiveValue_writesNothing_andCreatesNoRevision() {
        storage.createDatabase("db");
        assertEquals(AppendResult.unchanged(1, 2), storage.append("db", 1, List.of(delete("s", "ghost"),
                delete("t", "ghost")), "p1", -1));
        assertEquals(OptionalLong.of(1), storage.revision("db"));
        assertEquals(List.of(), changes("db", 0));
        assertEquals(Optional.empty(), storage.findPush("db", "p1"), "nothing written, nothing remembered");
        append("db", 1, put("s", "a", "1"));
        append("db", 2, delete("s", "a"));
        assertEquals(AppendResult.unchanged(3, 1), append("db", 3, delete("s", "a")), "deleted already");
        // mixed: the live deletion and the put are written, the absent deletion is not, all count
        append("db", 3, put("s", "b", "2"));
        assertEquals(AppendResult.appended(5, 3), append("db", 4, delete("s", "b"), delete("s", "nope"),
                put("s", "c", "3")));
        assertEquals(List.of(new Entry("s", "a", 3, "null"), new Entry("s", "b", 5, "null"),
                new Entry("s", "c", 5, "3")), sorted(changes("db", 0)));
    }

    private static List<Entry> sorted(List<Entry> entries) {
        List<Entry> out = new ArrayList<>(entries);
        out.sort(java.util.Comparator.comparingLong(Entry::revision).thenComparing(Entry::store)
                .thenComparing(Entry::key));
        return out;
    }

    @Test
    void readState_groupsKeysByStore() {
        storage.createDatabase("db");
        append("db", 1, put("b", "k1", "1"), put("a", "k1", "1"));
        append("db", 2, put("b", "k2", "2"), put("a", "k2", "2"), put("ab", "k", "3"));
        List<String> stores = new ArrayList<>();
        for (Entry e : state("db")) {
            if (stores.isEmpty() || !stores.get(stores.size() - 1).equals(e.store())) {
                stores.add(e.store());
            }
        }
        assertEquals(3, stores.size(), "each store appears as one run: " + stores);
        assertEquals(5, state("db").size());
    }

    @Test
    void readState_ofManyStores_groupsEachStoreOnce_andLeavesDeletionsAndOverwrittenValuesOut() {
        storage.createDatabase("db");
        String[] stores = {"s7", "s1", "longer-store", "s3", "a", "s5", "zz"};
        long head = 1;
        for (int round = 0; round < 3; round++) {
            for (String st : stores) {
                append("db", head, put(st, "k" + round, "\"" + st + round + "\""), put(st, "shared", "\"" + round + "\""));
                head++;
            }
        }
        append("db", head, new Write("s3", "k1", null));
        List<String> runs = new ArrayList<>();
        java.util.Map<String, String> seen = new java.util.TreeMap<>();
        for (Entry e : state("db")) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(e.store())) {
                runs.add(e.store());
            }
            seen.put(e.store() + "/" + e.key(), e.value());
        }
        assertEquals(stores.length, runs.size(), "each store appears as one run: " + runs);
        assertEquals(stores.length * 4 - 1, seen.size(), seen.toString());
        assertEquals("\"2\"", seen.get("zz/shared"), "the latest value of an overwritten key");
        assertTrue(!seen.containsKey("s3/k1"), "a deleted key is left out");
    }

    @Test
    void storeAndKeyBoundaries_neverBlur() {
        storage.createDatabase("db");
        append("db", 1, put("a", "bc", "1"), put("ab", "c", "2"), put("a\u0000b", "c", "3"));
        List<Entry> got = changes("db", 0);
        assertTrue(got.contains(new Entry("a", "bc", 2, "1")));
        assertTrue(got.contains(new Entry("ab", "c", 2, "2")));
        assertTrue(got.contains(new Entry("a\u0000b", "c", 2, "3")));
    }

    @Test
    void values_areReturnedByteForByte() {
        storage.createDatabase("db");
        String odd = "{ \"z\":1, \"a\" : [123456789012345678901234567890, 1e400, \"\\u00e9\u00e9\ud83d\ude00\"] }";
        append("db", 1, put("s", "\u00fcnic\u00f8de \ud83d\ude00", odd));
        byte[][] got = new byte[1][];
        storage.readChanges("db", 0, (s, k, r, v) -> {
            got[0] = v;
            return true;
        });
        assertArrayEquals(odd.getBytes(UTF_8), got[0]);
        assertEquals("\u00fcnic\u00f8de \ud83d\ude00", state("db").get(0).key());
    }

    @Test
    void storedBytes_countsUtf8StoreNamesKeysAndValuesOfLiveKeysOnly() {
        storage.createDatabase("db");
        append("db", 1, put("s\u00e9", "\u00e9", "\"\u00e9\""));   // store 3 bytes, key 2, value 4
        assertEquals(9, storage.storedBytes("db"));
        append("db", 2, put("s\u00e9", "\u00e9", "1"));            // replaced: 3 + 2 + 1
        assertEquals(6, storage.storedBytes("db"));
        append("db", 3, put("other", "k", "[]"));                // 5 + 1 + 2
        assertEquals(14, storage.storedBytes("db"));
        append("db", 4, delete("s\u00e9", "\u00e9"));
        assertEquals(8, storage.storedBytes("db"));
    }

    @Test
    void quota_refusesAGrowingAppendThatWouldExceedIt_andWritesNothing() {
        storage.createDatabase("db");
        assertEquals(AppendResult.appended(2, 1), storage.append("db", 1, List.of(put("s", "k", "12345")), null, 10));
        assertEquals(AppendResult.quotaExceeded(2), storage.append("db", 2, List.of(put("s", "k2", "12345")), null, 10));
        assertEquals(OptionalLong.of(2), storage.revision("db"));
        assertEquals(7, storage.storedBytes("db"));
        // replacing with a value of the same size fits exactly
        assertEquals(AppendResult.appended(3, 1), storage.append("db", 2, List.of(put("s", "k", "54321")), null, 7));
    }

    @Test
    void quota_countsTheStoreName() {
        storage.createDatabase("db");
        String longStore = "s".repeat(100);
        assertEquals(AppendResult.quotaExceeded(1), storage.append("db", 1, List.of(put(longStore, "k", "1")), null, 50));
        assertEquals(AppendResult.appended(2, 1), storage.append("db", 1, List.of(put(longStore, "k", "1")), null, 102));
    }

    @Test
    void databaseQuota_isCreatedWithTheDatabase_changeable_andRemovable() {
        assertTrue(storage.createDatabase("guest_a", 1000));
        assertEquals(1000, storage.databaseQuota("guest_a"));
        assertFalse(storage.createDatabase("guest_a", 5), "exists: nothing changes");
        assertEquals(1000, storage.databaseQuota("guest_a"));
        assertTrue(storage.createDatabase("plain"));
        assertEquals(-1, storage.databaseQuota("plain"));
        assertEquals(-1, storage.databaseQuota("missing"));
        assertTrue(storage.setDatabaseQuota("plain", 10));
        assertEquals(10, storage.databaseQuota("plain"));
        assertTrue(storage.setDatabaseQuota("guest_a", -1));
        assertEquals(-1, storage.databaseQuota("guest_a"));
        assertFalse(storage.setDatabaseQuota("missing", 10));
        assertEquals(-1, storage.databaseQuota("missing"));
    }

    @Test
    void delegatedGrants_keepTheirDelegator_andAreFoundByIt() {
        Grant byBob = new Grant("carol", "ReadDatabase", "team_x", "Yes", "bob");
        Grant byBob2 = new Grant("dave", "WriteDatabase", "team_x", "Yes", "bob");
        Grant byCarol = new Grant("dave", "ReadDatabase", "team_x", "Yes", "carol");
        Grant admins = new Grant("erin", "ReadDatabase", "team_x", "Yes");
        for (Grant g : List.of(byBob, byBob2, byCarol, admins)) {
            storage.putGrant(g);
        }
        assertEquals(List.of(byBob), storage.grants("carol"));
        assertEquals(java.util.Set.of(byBob, byBob2), java.util.Set.copyOf(storage.delegatedBy("bob")));
        assertEquals(List.of(byCarol), storage.delegatedBy("carol"));
        assertEquals(List.of(), storage.delegatedBy("erin"));
        // replaced by an administrator's grant: no longer bob's delegation
        storage.putGrant(new Grant("carol", "ReadDatabase", "team_x", "Yes"));
        assertEquals(List.of(byBob2), storage.delegatedBy("bob"));
        storage.removeGrant("dave", "WriteDatabase", "team_x");
        assertEquals(List.of(), storage.delegatedBy("bob"));
        assertEquals(List.of(byCarol), storage.delegatedBy("carol"));
        Credential c = new Credential("frank", new byte[] {1}, new byte[] {2}, 10, false);
        Grant created = new Grant("frank", "ReadDatabase", "db", "Yes", "carol");
        storage.createAccount(c, List.of(created));
        assertEquals(List.of(created), storage.grants("frank"));
        assertEquals(2, storage.delegatedBy("carol").size());
    }

    @Test
    void quota_stillAllowsAppendsThatShrinkADatabaseAlreadyOverIt() {
        storage.createDatabase("db");
        append("db", 1, put("s", "a", "1234567890"), put("s", "b", "1234567890"));
        assertEquals(AppendResult.appended(3, 1), storage.append("db", 2, List.of(delete("s", "a")), null, 5));
    }

    @Test
    void pushId_answersTheOriginalOutcome_andWritesNothingAgain() {
        storage.createDatabase("db");
        assertEquals(AppendResult.appended(2, 2),
                storage.append("db", 1, List.of(put("s", "a", "1"), put("s", "b", "1")), "p1", -1));
        assertEquals(Optional.of(AppendResult.duplicate(2, 2)), storage.findPush("db", "p1"));
        assertEquals(AppendResult.duplicate(2, 2), storage.append("db", 2, List.of(put("s", "c", "1")), "p1", -1));
        assertEquals(OptionalLong.of(2), storage.revision("db"));
        assertEquals(Optional.empty(), storage.findPush("db", "p2"));
    }

    @Test
    void pushIds_areRememberedPerDatabase() {
        storage.createDatabase("a");
        storage.createDatabase("b");
        storage.append("a", 1, List.of(put("s", "k", "1")), "same", -1);
        assertEquals(AppendResult.appended(2, 1), storage.append("b", 1, List.of(put("s", "k", "1")), "same", -1));
    }

    @Test
    void pushIds_theLastThousandAreRemembered() {
        storage.createDatabase("db");
        for (int i = 0; i < 1005; i++) {
            storage.append("db", 1 + i, List.of(put("s", "k", Integer.toString(i))), "p" + i, -1);
        }
        assertTrue(storage.findPush("db", "p1004").isPresent());
        assertEquals(Optional.of(AppendResult.duplicate(7, 1)), storage.findPush("db", "p5"));
        // The contract requires "at least" 1,000; nothing older is required.
    }

    @Test
    void databases_areIsolated() {
        storage.createDatabase("a");
        storage.createDatabase("b");
        append("a", 1, put("s", "k", "1"));
        assertEquals(List.of(), changes("b", 0));
        assertEquals(OptionalLong.of(1), storage.revision("b"));
        List<String> names = new ArrayList<>();
        storage.listDatabases(names::add);
        names.sort(null);
        assertEquals(List.of("a", "b"), names);
    }

    @Test
    void accounts_areCreatedWithTheirGrantsAtomically_andNeverTwice() {
        Credential c = new Credential("alice", new byte[] {1, 2}, new byte[] {3, 4}, 10, false);
        Grant g1 = new Grant("alice", "ReadDatabase", "db", "Yes");
        Grant g2 = new Grant("admin", "SetSecret", "alice", "Yes");
        assertTrue(storage.createAccount(c, List.of(g1, g2)));
        assertFalse(storage.createAccount(new Credential("alice", new byte[] {9}, new byte[] {9}, 10, true), List.of()));
        assertEquals(Optional.of(c), storage.credential("alice"));
        assertEquals(List.of(g1), storage.grants("alice"));
        assertEquals(List.of(g2), storage.grants("admin"));
        assertEquals(Optional.empty(), storage.credential("bob"));
    }

    @Test
    void anAccountWithItsOwnDatabase_isCreatedWholeOrNotAtAll_andNeverAdoptsADatabase() {
        Credential c = new Credential("guest1", new byte[] {1}, new byte[] {2}, 10, true);
        Grant g = new Grant("guest1", "WriteDatabase", "guest_guest1", "Yes");
        assertTrue(storage.createAccount(c, List.of(g), "guest_guest1", 500));
        assertEquals(OptionalLong.of(1), storage.revision("guest_guest1"));
        assertEquals(500, storage.databaseQuota("guest_guest1"));
        assertEquals(List.of(g), storage.grants("guest1"));
        storage.createDatabase("taken");
        Credential c2 = new Credential("guest2", new byte[] {1}, new byte[] {2}, 10, true);
        assertFalse(storage.createAccount(c2, List.of(new Grant("guest2", "ReadDatabase", "taken", "Yes")), "taken", 5));
        assertEquals(Optional.empty(), storage.credential("guest2"), "nothing written");
        assertEquals(List.of(), storage.grants("guest2"));
        assertEquals(-1, storage.databaseQuota("taken"));
        assertFalse(storage.createAccount(new Credential("guest1", new byte[] {1}, new byte[] {2}, 10, true), List.of(),
                "fresh", 5), "the token exists");
        assertEquals(OptionalLong.empty(), storage.revision("fresh"));
    }

    @Test
    void credentials_canBeReplacedOnlyWhenTheyExist() {
        Credential c = new Credential("alice", new byte[] {1}, new byte[] {2}, 10, true);
        assertFalse(storage.updateCredential(c));
        storage.createAccount(c, List.of());
        Credential c2 = new Credential("alice", new byte[] {5}, new byte[] {6}, 20, true);
        assertTrue(storage.updateCredential(c2));
        assertEquals(Optional.of(c2), storage.credential("alice"));
        List<String> all = new ArrayList<>();
        storage.listAccounts(all::add);
        assertEquals(List.of("alice"), all);
    }

    @Test
    void grants_arePutReplacedAndRemovedByAccessPermissionAndResource() {
        storage.putGrant(new Grant("u", "ReadDatabase", "db", "Yes"));
        storage.putGrant(new Grant("u", "ReadDatabase", "db", "No"));
        storage.putGrant(new Grant("u", "ReadDatabase", "db*", "Yes"));
        storage.putGrant(new Grant("u2", "ReadDatabase", "db", "Yes"));
        List<Grant> grants = new ArrayList<>(storage.grants("u"));
        grants.sort(java.util.Comparator.comparing(Grant::resource));
        assertEquals(List.of(new Grant("u", "ReadDatabase", "db", "No"), new Grant("u", "ReadDatabase", "db*", "Yes")),
                grants);
        assertTrue(storage.removeGrant("u", "ReadDatabase", "db"));
        assertFalse(storage.removeGrant("u", "ReadDatabase", "db"));
        assertEquals(List.of(new Grant("u", "ReadDatabase", "db*", "Yes")), storage.grants("u"));
        assertEquals(1, storage.grants("u2").size());
    }

    @Test
    void everything_survivesAReopen() throws Exception {
        storage.createDatabase("db");
        append("db", 1, put("s", "a", "1"), put("s", "b", "2"));
        append("db", 2, delete("s", "a"));
        storage.append("db", 3, List.of(put("t", "c", "[3]")), "pid", -1);
        storage.createAccount(new Credential("alice", new byte[] {1}, new byte[] {2}, 7, true),
                List.of(new Grant("alice", "ReadDatabase", "db", "Yes")));
        storage.putGrant(new Grant("alice", "WriteDatabase", "db", "Yes"));
        storage.removeGrant("alice", "ReadDatabase", "db");
        storage.putGrant(new Grant("bob", "ReadDatabase", "db", "Yes", "alice"));
        storage.createDatabase("quoted", 77);
        storage.createAccount(new Credential("g", new byte[] {1}, new byte[] {2}, 7, true), List.of(), "guest_g", 88);
        storage.setDatabaseQuota("db", 5000);
        List<Entry> changes = changes("db", 0);
        List<Entry> state = state("db");

        storage = reopen(storage);

        assertEquals(OptionalLong.of(4), storage.revision("db"));
        assertEquals(changes, changes("db", 0));
        assertEquals(state, state("db"));
        assertEquals(Optional.of(AppendResult.duplicate(4, 1)), storage.findPush("db", "pid"));
        assertEquals(1 + 1 + 1 + 1 + 1 + 3, storage.storedBytes("db"));
        assertTrue(storage.credential("alice").orElseThrow().guest());
        assertEquals(List.of(new Grant("alice", "WriteDatabase", "db", "Yes")), storage.grants("alice"));
        assertEquals(List.of(new Grant("bob", "ReadDatabase", "db", "Yes", "alice")), storage.delegatedBy("alice"));
        assertEquals(77, storage.databaseQuota("quoted"));
        assertEquals(88, storage.databaseQuota("guest_g"));
        assertEquals(OptionalLong.of(1), storage.revision("guest_g"));
        assertEquals(5000, storage.databaseQuota("db"));
        assertEquals(AppendResult.appended(5, 1), append("db", 4, put("s", "z", "0")));
        assertNull(storage.findPush("db", "nope").orElse(null));
    }
}
