package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.AccountResult.Refusal;
import org.plasmid.core.PlasmidException.Reason;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.core.spi.Credential;

class ClientSessionTest {
    private final MapDbStorage storage = MapDbStorage.inMemory();
    private final PlasmidHub hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000).build();
    private final Accounts accounts = hub.accounts();

    @AfterEach
    void close() {
        hub.close();
    }

    private ClientSession user(String access, String... grants) {
        accounts.setSecret(access, "secret-" + access);
        for (String g : grants) {
            String[] p = g.split(" ");
            accounts.grant(access, p[0], p[1], p[2]);
        }
        return hub.authenticate(access, "secret-" + access).orElseThrow();
    }

    private static List<Change> one(String key) {
        return List.of(Change.put("s", key, JsonValue.parse("\"" + key + "\"")));
    }

    // ---- credentials

    @Test
    void secrets_areStoredOnlyAsSaltedSlowHashes() {
        accounts.setSecret("a", "same-secret");
        accounts.setSecret("b", "same-secret");
        Credential a = storage.credential("a").orElseThrow();
        Credential b = storage.credential("b").orElseThrow();
        assertFalse(new String(a.hash(), StandardCharsets.ISO_8859_1).contains("same-secret"));
        assertNotEquals(List.of(a.hash()), List.of(b.hash()));
        assertFalse(java.util.Arrays.equals(a.hash(), b.hash()), "salted: equal secrets hash differently");
        assertEquals(32, a.hash().length);
        assertEquals(1000, a.iterations());
    }

    @Test
    void defaultHub_hashesWithAHundredThousandIterations() {
        MapDbStorage s = MapDbStorage.inMemory();
        try (PlasmidHub h = PlasmidHub.builder().storage(s, true).build()) {
            h.accounts().setSecret("a", "x");
            assertEquals(100_000, s.credential("a").orElseThrow().iterations());
        }
    }

    @Test
    void authenticate_acceptsOnlyTheRightSecret_andForgetsAnOldOne() {
        accounts.setSecret("alice", "one");
        assertTrue(hub.authenticate("alice", "one").isPresent());
        assertTrue(hub.authenticate("alice", "one").isPresent(), "again, from the remembered check");
        assertFalse(hub.authenticate("alice", "two").isPresent());
        assertFalse(hub.authenticate("bob", "one").isPresent());
        assertFalse(hub.authenticate("bad/token", "one").isPresent());
        assertFalse(hub.authenticate(null, null).isPresent());
        accounts.setSecret("alice", "two");
        assertFalse(hub.authenticate("alice", "one").isPresent(), "rotated secret no longer works");
        assertTrue(hub.authenticate("alice", "two").isPresent());
    }

    @Test
    void aSecretFollowedByNul_doesNotAuthenticate_andNoSecretMayHoldNul() {
        // PBKDF2's HMAC pads its key with zero bytes, so "one" and "one\0" would hash alike
        accounts.setSecret("alice", "one");
        assertFalse(hub.authenticate("alice", "one\0").isPresent());
        assertFalse(hub.authenticate("alice", "one\0\0").isPresent());
        assertTrue(hub.authenticate("alice", "one").isPresent());
        assertEquals(Reason.INVALID, assertThrows(PlasmidException.class,
                () -> accounts.setSecret("alice", "two\0")).reason());
        accounts.grant("alice", "CreateAccess", "*", "Yes");
        AccountResult r = hub.session("alice").createCredentials("carl", "pw\0", false);
        assertEquals(Refusal.INVALID, r.refusal());
    }

    @Test
    void trustedGrant_toAMissingAccount_isRefused() {
        PlasmidException e = assertThrows(PlasmidException.class,
                () -> accounts.grant("ghost", "ReadDatabase", "db", "Yes"));
        assertEquals(Reason.NOT_FOUND, e.reason());
    }

    @Test
    void accountsList_namesTokensOnly() {
        accounts.setSecret("b", "x");
        accounts.setSecret("a", "y");
        assertEquals(List.of("a", "b"), accounts.list());
    }

    // ---- database access

    @Test
    void read_withoutReadDatabase_isForbidden_whetherOrNotTheDatabaseExists() {
        ClientSession u = user("u", "CreateDatabase * Yes");
        hub.info("exists");
        for (String db : new String[] {"exists", "missing"}) {
            PlasmidException e = assertThrows(PlasmidException.class, () -> u.info(db));
            assertEquals(Reason.FORBIDDEN, e.reason());
            assertEquals("ReadDatabase", e.permission());
        }
        assertFalse(hub.find("missing").isPresent(), "nothing created");
    }

    @Test
    void read_ofAMissingDatabase_withoutCreateDatabase_isNotFound() {
        ClientSession u = user("u", "ReadDatabase * Yes");
        PlasmidException e = assertThrows(PlasmidException.class, () -> u.pull("missing", 1, 0, c -> true));
        assertEquals(Reason.NOT_FOUND, e.reason());
        assertFalse(hub.find("missing").isPresent());
    }

    @Test
    void firstAccess_withCreateDatabase_createsTheDatabase() {
        ClientSession u = user("u", "ReadDatabase app_* Yes", "CreateDatabase app_* Yes");
        assertEquals(new DatabaseInfo("app_1", 1, 0), u.info("app_1"));
        assertTrue(hub.find("app_1").isPresent());
    }

    @Test
    void push_needsWriteDatabase() {
        ClientSession reader = user("r", "ReadDatabase db Yes", "CreateDatabase db Yes");
        PlasmidException e = assertThrows(PlasmidException.class, () -> reader.push("db", 1, one("k"), null));
        assertEquals("WriteDatabase", e.permission());
        ClientSession writer = user("w", "WriteDatabase db Yes", "CreateDatabase db Yes");
        assertEquals(PushResult.accepted(2, 1), writer.push("db", 1, one("k"), null));
    }

    @Test
    void push_overTheCallersQuota_isRefused_andWritesNothing() {
        ClientSession u = user("u", "WriteDatabase db Yes", "CreateDatabase db Yes", "DatabaseQuota db 10");
        assertEquals(PushResult.accepted(2, 1), u.push("db", 1, one("abc"), null)); // store 1 + key 3 + value 5
        assertEquals(PushResult.Status.QUOTA_EXCEEDED, u.push("db", 2, one("xyz"), null).status());
        assertEquals(2, hub.info("db").revision());
    }

    @Test
    void revokedPermission_takesEffectAtOnce() {
        ClientSession u = user("u", "ReadDatabase db Yes", "CreateDatabase db Yes");
        u.info("db");
        accounts.revoke("u", "ReadDatabase", "db");
        assertThrows(PlasmidException.class, () -> u.info("db"));
    }

    // ---- creating credentials

    @Test
    void createCredentials_withoutCreateAccess_isForbidden() {
        ClientSession u = user("u");
        AccountResult r = u.createCredentials("newbie", "pw", false);
        assertEquals(Refusal.FORBIDDEN, r.refusal());
        assertFalse(accounts.exists("newbie"));
    }

    @Test
    void createCredentials_givesTheCreatorSetSecret_andGeneratesUnguessableTokens() {
        ClientSession admin = user("admin", "CreateAccess * Yes");
        AccountResult r = admin.createCredentials(null, null, false);
        assertTrue(r.succeeded());
        assertTrue(r.access().length() >= 26, r.access());
        assertTrue(r.secret().length() >= 22);
        assertNull(r.dbname());
        assertTrue(hub.authenticate(r.access(), r.secret()).isPresent());
        assertTrue(admin.check("SetSecret", r.access()).allowed());
        AccountResult other = admin.createCredentials(null, null, false);
        assertNotEquals(r.access(), other.access());
    }

    @Test
    void createCredentials_withASecretButNoAccess_isInvalid() {
        ClientSession admin = user("admin", "CreateAccess * Yes");
        assertEquals(Refusal.INVALID, admin.createCredentials(null, "pw", false).refusal());
        assertEquals(Refusal.INVALID, admin.createCredentials("bad token", "pw", false).refusal());
        assertEquals(Refusal.INVALID, admin.createCredentials("ok", "", false).refusal());
    }

    @Test
    void noCaller_canTakeOverAnotherToken() {
        accounts.setSecret("victim", "original");
        ClientSession attacker = user("attacker", "CreateAccess * Yes", "CreateGuest * Yes");
        assertEquals(Refusal.EXISTS, attacker.createCredentials("victim", "mine-now", false).refusal());
        AccountResult guest = attacker.createCredentials("victim", "mine-now", true);
        assertNotEquals("victim", guest.access(), "a guest's chosen token is ignored");
        assertNotEquals("mine-now", guest.secret(), "and so is its chosen secret");
        assertEquals(Refusal.EXISTS, attacker.createCredentials("victim", null, false).refusal());
        assertTrue(hub.authenticate("victim", "original").isPresent());
        assertFalse(hub.authenticate("victim", "mine-now").isPresent());
    }

    @Test
    void aToken_mayChangeItsOwnSecret_andItsCreatorMayToo() {
        ClientSession creator = user("creator", "CreateAccess * Yes");
        AccountResult made = creator.createCredentials("made", "first", false);
        ClientSession made1 = hub.authenticate("made", "first").orElseThrow();
        assertTrue(made1.createCredentials("made", "second", false).succeeded());
        assertTrue(hub.authenticate("made", "second").isPresent());
        assertTrue(creator.createCredentials("made", "third", false).succeeded());
        assertTrue(hub.authenticate("made", "third").isPresent());
        assertTrue(made.succeeded());
    }

    @Test
    void guest_getsItsOwnDatabase_withTheDefaultPrefixAndQuota() {
        ClientSession signup = user("signup", "CreateGuest * Yes");
        AccountResult r = signup.createCredentials(null, null, true);
        assertTrue(r.succeeded());
        assertEquals("guest_" + r.access(), r.dbname());
        ClientSession guest = hub.authenticate(r.access(), r.secret()).orElseThrow();
        assertEquals(PushResult.accepted(2, 1), guest.push(r.dbname(), 1, one("k"), null));
        assertEquals(java.util.OptionalLong.of(1048576), hub.databaseQuota(r.dbname()), "the database's own quota");
        assertFalse(signup.check("SetSecret", r.access()).allowed(), "the creator gets no right over a guest");
        assertThrows(PlasmidException.class, () -> guest.info("someone_else"));
        assertEquals(Refusal.FORBIDDEN, guest.createCredentials(null, null, true).refusal());
        assertEquals(Refusal.FORBIDDEN, signup.createCredentials(null, null, false).refusal(), "CreateGuest is not CreateAccess");
    }

    @Test
    void guest_prefixAndQuota_comeFromTheCreatorsGrants() {
        ClientSession signup = user("signup", "CreateGuest * Yes", "GuestDatabasePrefix * todo-",
                "GuestDatabaseQuota * 20");
        AccountResult r = signup.createCredentials("g1", "pw", true);
        assertEquals("todo-" + r.access(), r.dbname());
        ClientSession guest = hub.authenticate(r.access(), r.secret()).orElseThrow();
        assertEquals(PushResult.Status.QUOTA_EXCEEDED,
                guest.push(r.dbname(), 1, List.of(Change.put("s", "k", JsonValue.parse("\"" + "x".repeat(30) + "\""))), null).status());
    }

    // ---- listing and granting

    @Test
    void grants_areListedToTheTokenItselfAndAdministratorsOnly_denialsToo() {
        ClientSession u = user("u", "ReadDatabase db Yes", "WriteDatabase db No");
        ClientSession other = user("other");
        ClientSession admin = user("admin", "* * Yes");
        assertEquals(List.of(new Grant("u", "ReadDatabase", "db", "Yes"), new Grant("u", "WriteDatabase", "db", "No")),
                u.grants("u"));
        assertEquals(2, admin.grants("u").size());
        PlasmidException e = assertThrows(PlasmidException.class, () -> other.grants("u"));
        assertEquals(Reason.FORBIDDEN, e.reason());
    }

    @Test
    void grant_ofWhatTheCallerHolds_isAllowed() {
        ClientSession owner = user("owner", "ReadDatabase shared Yes", "WriteDatabase shared Yes");
        user("friend");
        AccountResult r = owner.grant("friend", "ReadDatabase", "shared", "Yes");
        assertTrue(r.succeeded());
        assertEquals(new Grant("friend", "ReadDatabase", "shared", "Yes", "owner"), r.grant());
        assertTrue(accounts.check("friend", "ReadDatabase", "shared").allowed());
    }

    @Test
    void grant_ofWhatTheCallerDoesNotHold_isRefused_soNoOneCanEscalate() {
        ClientSession u = user("u", "ReadDatabase db Yes", "WriteDatabase app_* Yes", "WriteDatabase app_secret No");
        user("friend");
        List<String[]> attempts = List.of(
                new String[] {"u", "WriteDatabase", "db", "Yes"},          // self-escalation
                new String[] {"friend", "WriteDatabase", "db", "Yes"},
                new String[] {"u", "*", "*", "Yes"},
                new String[] {"friend", "ReadDatabase", "*", "Yes"},
                new String[] {"friend", "WriteDatabase", "app_*", "Yes"},   // would include app_secret
                new String[] {"friend", "WriteDatabase", "app_secret", "Yes"},
                new String[] {"u", "CreateAccess", "*", "Yes"},
                new String[] {"friend", "DatabaseQuota", "db", "999999999"},
                new String[] {"friend", "SetSecret", "u", "Yes"});
        for (String[] a : attempts) {
            AccountResult r = u.grant(a[0], a[1], a[2], a[3]);
            assertEquals(Refusal.FORBIDDEN, r.refusal(), String.join(" ", a));
            assertEquals("Must have a permission to grant it.", r.message());
        }
        assertEquals(3, accounts.grants("u").size());
        assertEquals(0, accounts.grants("friend").size());
    }

    @Test
    void sharing_cannotBeUsedToLockOutOrLiftTheQuotaOfTheOwner() {
        ClientSession signup = user("signup", "CreateGuest * Yes");
        AccountResult owner = signup.createCredentials(null, null, true);
        ClientSession ownerSession = hub.authenticate(owner.access(), owner.secret()).orElseThrow();
        user("friend");
        assertTrue(ownerSession.grant("friend", "WriteDatabase", owner.dbname(), "Yes").succeeded());
        ClientSession friend = hub.authenticate("friend", "secret-friend").orElseThrow();
        assertEquals(Refusal.FORBIDDEN, friend.grant(owner.access(), "WriteDatabase", owner.dbname(), "No").refusal());
        assertEquals(Refusal.FORBIDDEN,
                friend.grant(owner.access(), "DatabaseQuota", owner.dbname(), "999999999").refusal());
        assertTrue(ownerSession.check("WriteDatabase", owner.dbname()).allowed());
    }

    @Test
    void grant_needsAValue_andAnExistingAccount() {
        ClientSession admin = user("admin", "* * Yes");
        assertEquals(Refusal.INVALID, admin.grant("x", "ReadDatabase", "db", null).refusal());
        assertEquals(Refusal.INVALID, admin.grant("nobody", "ReadDatabase", "db", "Yes").refusal());
        assertEquals(Refusal.INVALID, admin.grant("admin", "Read Database", "db", "Yes").refusal());
    }

    @Test
    void revoke_isForAdministratorsAndTheTokenItself_notForStrangers() {
        ClientSession admin = user("admin", "* * Yes", "CreateAccess * Yes");
        admin.createCredentials("managed", "pw", false);
        accounts.grant("managed", "ReadDatabase", "db", "Yes");
        accounts.grant("managed", "WriteDatabase", "db", "Yes");
        accounts.grant("managed", "CreateDatabase", "db", "Yes");
        ClientSession stranger = user("stranger", "ReadDatabase db Yes");
        assertEquals(Refusal.FORBIDDEN, stranger.revoke("managed", "ReadDatabase", "db").refusal());
        ClientSession managed = hub.authenticate("managed", "pw").orElseThrow();
        assertTrue(managed.revoke("managed", "CreateDatabase", "db").succeeded());
        assertTrue(admin.revoke("managed", "ReadDatabase", "db").succeeded());
        assertEquals(Refusal.NOT_FOUND, admin.revoke("managed", "ReadDatabase", "db").refusal());
        assertEquals(List.of(new Grant("managed", "WriteDatabase", "db", "Yes")), accounts.grants("managed"));
    }
}
