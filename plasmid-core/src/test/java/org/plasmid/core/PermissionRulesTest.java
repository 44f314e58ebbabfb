package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.AccountResult.Refusal;
import org.plasmid.core.PlasmidException.Reason;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * The permission model of PROTOCOL.md §5 as the security review attacked it: what a holder can do with
 * the grant system itself (delegate, revoke, create), not only what a grant allows.
 */
class PermissionRulesTest {
    private final MapDbStorage storage = MapDbStorage.inMemory();
    private final PlasmidHub hub = PlasmidHub.builder().storage(storage, true).secretHashIterations(1000)
            .maxGrantsPerAccount(20).build();
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
        return hub.session(access);
    }

    private static List<Change> value(String store, String key, int bytes) {
        return List.of(Change.put(store, key, JsonValue.parse("\"" + "x".repeat(bytes - 2) + "\"")));
    }

    private boolean reads(String access, String db) {
        return accounts.check(access, "ReadDatabase", db).allowed();
    }

    // ---- finding 1: a token lifts its own denials and quotas

    @Test
    void aToken_cannotRevokeItsOwnDenial_norItsOwnQuota_butGivesUpWhatItIsGiven() {
        ClientSession alice = user("alice", "ReadDatabase proj* Yes", "ReadDatabase proj_secret No",
                "DatabaseQuota proj_a 100");
        assertEquals(Refusal.FORBIDDEN, alice.revoke("alice", "ReadDatabase", "proj_secret").refusal());
        assertEquals(Refusal.FORBIDDEN, alice.revoke("alice", "DatabaseQuota", "proj_a").refusal());
        assertFalse(reads("alice", "proj_secret"));
        assertEquals(100, accounts.check("alice", "DatabaseQuota", "proj_a").asLimit());
        assertTrue(alice.revoke("alice", "ReadDatabase", "proj*").succeeded());
        assertFalse(reads("alice", "proj_x"));
        assertEquals(Refusal.NOT_FOUND, alice.revoke("alice", "ReadDatabase", "nothing").refusal());
    }

    @Test
    void aGuest_cannotRemoveItsDatabasesQuota() {
        ClientSession signup = user("signup", "CreateGuest * Yes", "GuestDatabaseQuota * 100");
        AccountResult g = signup.createCredentials(null, null, true);
        ClientSession guest = hub.session(g.access());
        for (Grant held : accounts.grants(g.access())) {
            guest.revoke(g.access(), held.permission(), held.resource());
        }
        assertEquals(OptionalLong.of(100), hub.databaseQuota(g.dbname()));
        assertEquals(Refusal.FORBIDDEN, guest.grant(g.access(), "DatabaseQuota", g.dbname(), "999999").refusal());
    }

    // ---- finding 2: a * permission routes around specific denials

    @Test
    void aStarPermission_isNeverDelegated_soItCannotRouteAroundADenial() {
        ClientSession bob = user("bob", "* team* Yes", "ReadDatabase team_pay* No", "WriteDatabase team_hr No");
        user("carol");
        for (String[] a : List.of(new String[] {"bob", "*", "team_pay"}, new String[] {"carol", "*", "team_hr"},
                new String[] {"carol", "*", "team_x"}, new String[] {"carol", "ReadDatabase", "team*"},
                new String[] {"carol", "ReadDatabase", "team_pay"}, new String[] {"carol", "WriteDatabase", "team_hr"},
                new String[] {"bob", "ReadDatabase", "team_pay"})) {
            AccountResult r = bob.grant(a[0], a[1], a[2], "Yes");
            assertEquals(Refusal.FORBIDDEN, r.refusal(), String.join(" ", a));
            assertEquals("Must have a permission to grant it.", r.message());
        }
        assertFalse(reads("bob", "team_pay"));
        assertFalse(accounts.check("carol", "WriteDatabase", "team_hr").allowed());
        assertTrue(bob.grant("carol", "ReadDatabase", "team_x", "yes").succeeded(), "exact, held, Yes");
        assertEquals(new Grant("carol", "ReadDatabase", "team_x", "Yes", "bob"), accounts.grants("carol").get(0));
        assertEquals(Refusal.FORBIDDEN, bob.grant("carol", "ReadDatabase", "team_y", "No").refusal(),
                "a delegation only passes on Yes");
    }

    @Test
    void aDelegation_neverOverridesAGrantTheGranteeHas() {
        ClientSession bob = user("bob", "ReadDatabase team_x Yes", "WriteDatabase team_x Yes");
        user("carol", "ReadDatabase team_x No", "WriteDatabase team* No");
        assertEquals(Refusal.FORBIDDEN, bob.grant("carol", "ReadDatabase", "team_x", "Yes").refusal());
        assertEquals(Refusal.FORBIDDEN, bob.grant("carol", "WriteDatabase", "team_x", "Yes").refusal());
        assertFalse(reads("carol", "team_x"));
        assertEquals(Refusal.FORBIDDEN, bob.grant("bob", "ReadDatabase", "team_x", "Yes").refusal(), "nor its own");
    }

    // ---- finding 3: database grants reach accounts

    @Test
    void aStarGrantOnDatabaseNames_givesNoPowerOverAnAccountOfThatName() {
        user("team_admin", "* * Yes");
        ClientSession bob = user("bob", "* team* Yes");
        assertFalse(bob.check("SetSecret", "team_admin").allowed());
        assertEquals(Refusal.FORBIDDEN, bob.createCredentials("team_admin", "taken", false).refusal());
        assertTrue(hub.authenticate("team_admin", "secret-team_admin").isPresent());
        ClientSession bobCreator = user("bob2", "* team* Yes", "CreateAccess * Yes");
        assertEquals(Refusal.EXISTS, bobCreator.createCredentials("team_admin", "taken", false).refusal());
        assertFalse(hub.authenticate("team_admin", "taken").isPresent());
    }

    // ---- finding 4: the sign-up account owns every guest

    @Test
    void aGuestsCreator_getsNoRightOverIt_andAnExplicitSetSecretNo_stopsSelfRotation() {
        ClientSession signup = user("signup", "CreateGuest * Yes", "SetSecret signup No");
        AccountResult g = signup.createCredentials(null, null, true);
        assertFalse(signup.check("SetSecret", g.access()).allowed());
        assertEquals(Refusal.FORBIDDEN, signup.createCredentials(g.access(), "reset", false).refusal());
        assertTrue(hub.authenticate(g.access(), g.secret()).isPresent());
        assertEquals(List.of(new Grant("signup", "CreateGuest", "*", "Yes"), new Grant("signup", "SetSecret", "signup", "No")),
                signup.grants("signup"), "its listing holds no guest");
        assertEquals(Refusal.FORBIDDEN, signup.createCredentials("signup", "new", false).refusal());
        assertTrue(hub.authenticate("signup", "secret-signup").isPresent());
        assertEquals(Refusal.FORBIDDEN, signup.revoke("signup", "SetSecret", "signup").refusal());
        // a guest still rotates its own secret
        assertTrue(hub.session(g.access()).createCredentials(g.access(), "mine", false).succeeded());
    }

    // ---- finding 5: a guest with a chosen token adopts an existing database

    @Test
    void aGuest_alwaysGetsAGeneratedToken_andANewDatabase_neverAnExistingOne() {
        hub.push("guest_victim", 1, value("s", "k", 10));
        ClientSession signup = user("signup", "CreateGuest * Yes");
        AccountResult g = signup.createCredentials("victim", "chosen", true);
        assertTrue(g.succeeded());
        assertNotEquals("victim", g.access());
        assertNotEquals("guest_victim", g.dbname());
        assertFalse(reads(g.access(), "guest_victim"));
        assertEquals(1, hub.info(g.dbname()).revision(), "created empty with the account");
        assertFalse(accounts.exists("victim"));
    }

    // ---- finding 6: quota follows the writer, not the database

    @Test
    void aGuestDatabasesQuota_bindsEveryWriter_andADelegatedWrite_carriesTheDelegatorsQuota() {
        ClientSession signup = user("signup", "CreateGuest * Yes", "GuestDatabaseQuota * 1000");
        AccountResult a = signup.createCredentials(null, null, true);
        user("b");
        assertTrue(hub.session(a.access()).grant("b", "WriteDatabase", a.dbname(), "Yes").succeeded());
        ClientSession b = hub.session("b");
        assertEquals(PushResult.Status.QUOTA_EXCEEDED, b.push(a.dbname(), 1, value("s", "k", 2000), null).status());
        assertEquals(PushResult.Status.ACCEPTED, b.push(a.dbname(), 1, value("s", "k", 500), null).status());

        ClientSession owner = user("owner", "WriteDatabase shared Yes", "CreateDatabase shared Yes",
                "DatabaseQuota shared 300");
        assertTrue(owner.grant("b", "WriteDatabase", "shared", "Yes").succeeded());
        owner.push("shared", 1, value("s", "k0", 10), null);
        assertEquals(PushResult.Status.QUOTA_EXCEEDED, b.push("shared", 2, value("s", "k", 400), null).status());
        assertEquals(PushResult.Status.ACCEPTED, b.push("shared", 2, value("s", "k", 200), null).status());
        // and on along the chain: b passes it on to c, who is bound by the owner's quota too
        user("c");
        assertTrue(b.grant("c", "WriteDatabase", "shared", "Yes").succeeded());
        assertEquals(PushResult.Status.QUOTA_EXCEEDED,
                hub.session("c").push("shared", 3, value("s", "k2", 200), null).status());
    }

    // ---- finding 7: deletions and store names were free

    @Test
    void deletionsOfAbsentKeys_writeNothing_andStoreNamesCountTowardTheQuota() {
        ClientSession u = user("u", "WriteDatabase db Yes", "CreateDatabase db Yes", "DatabaseQuota db 200");
        List<Change> deletions = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            deletions.add(Change.delete("s", "k" + i));
        }
        assertEquals(PushResult.accepted(1, 10_000), u.push("db", 1, deletions, null));
        assertEquals(0, hub.info("db").storedBytes());
        assertEquals(1, hub.info("db").revision(), "no revision for nothing");
        assertEquals(PushResult.Status.QUOTA_EXCEEDED,
                u.push("db", 1, value("s".repeat(300), "k", 3), null).status());
        assertEquals(PushResult.Status.ACCEPTED, u.push("db", 1, value("s".repeat(150), "k", 3), null).status());
        assertEquals(150 + 1 + 3, hub.info("db").storedBytes());
    }

    // ---- finding 8: grant values fail open

    @Test
    void grantValues_areCheckedExactly_whenGranted() {
        user("u");
        ClientSession admin = user("admin", "* * Yes");
        for (String[] bad : List.of(new String[] {"ReadDatabase", "db", "false"}, new String[] {"ReadDatabase", "db", "No "},
                new String[] {"ReadDatabase", "db", "0"}, new String[] {"DatabaseQuota", "db", "10KB"},
                new String[] {"DatabaseQuota", "db", "-1"}, new String[] {"DatabaseQuota", "db", "Yes"},
                new String[] {"GuestDatabaseQuota", "*", "lots"}, new String[] {"GuestDatabasePrefix", "*", "../"},
                new String[] {"CreateAccess", "db", "Yes"}, new String[] {"ReadDatabase", "db", ""},
                new String[] {"Readdatabase", "db", "Yes"}, new String[] {"SetSecret", "bad name", "Yes"})) {
            PlasmidException e = assertThrows(PlasmidException.class, () -> accounts.grant("u", bad[0], bad[1], bad[2]),
                    String.join(" ", bad));
            assertEquals(Reason.INVALID, e.reason());
            assertEquals(Refusal.INVALID, admin.grant("u", bad[0], bad[1], bad[2]).refusal(), String.join(" ", bad));
        }
        assertEquals(List.of(), accounts.grants("u"));
        assertEquals("No", accounts.grant("u", "ReadDatabase", "db", "no").value(), "stored canonical");
        assertEquals("5", accounts.grant("u", "DatabaseQuota", "db", "005").value());
    }

    @Test
    void storedGrantsOfAnOlderHub_failClosed_booleansDeny_andBadQuotasAreDropped() {
        user("u");
        storage.putGrant(new Grant("u", "ReadDatabase", "db", "false"));
        storage.putGrant(new Grant("u", "WriteDatabase", "db", "No "));
        storage.putGrant(new Grant("u", "DatabaseQuota", "db", "10KB"));
        storage.putGrant(new Grant("u", "DatabaseQuota", "d*", "50"));
        storage.putGrant(new Grant("u", "GuestDatabaseQuota", "*", "unlimited"));
        hub.authority().changed();
        assertFalse(reads("u", "db"));
        assertFalse(accounts.check("u", "WriteDatabase", "db").allowed());
        assertEquals(50, accounts.check("u", "DatabaseQuota", "db").asLimit(), "the invalid exact quota is ignored");
        assertEquals(1048576, accounts.check("u", "GuestDatabaseQuota", "*").asLimit());
    }

    // ---- finding 11: enumeration, grants without limit

    @Test
    void withoutCreateAccess_existingAndMissingTokensGetTheSameRefusal() {
        user("exists");
        ClientSession nobody = user("nobody", "ReadDatabase db Yes");
        AccountResult existing = nobody.createCredentials("exists", "x", false);
        AccountResult missing = nobody.createCredentials("missing", "x", false);
        assertEquals(missing.refusal(), existing.refusal());
        assertEquals(missing.message(), existing.message());
        AccountResult grantExisting = nobody.grant("exists", "WriteDatabase", "db", "Yes");
        AccountResult grantMissing = nobody.grant("missing", "WriteDatabase", "db", "Yes");
        assertEquals(grantMissing, grantExisting);
        assertEquals(Refusal.FORBIDDEN, grantExisting.refusal());
        assertEquals(grantMissing, nobody.grant("missing", "ReadDatabase", "db", "Yes"), "held, but no such token");
        assertEquals(Refusal.FORBIDDEN, nobody.revoke("exists", "ReadDatabase", "db").refusal());
        assertEquals(Refusal.FORBIDDEN, nobody.revoke("missing", "ReadDatabase", "db").refusal());
    }

    @Test
    void anAccountsGrants_areCapped_andDelegationsCountToo() {
        ClientSession admin = user("admin", "* * Yes");
        user("u");
        for (int i = 0; i < 20; i++) {
            accounts.grant("u", "ReadDatabase", "db" + i, "Yes");
        }
        assertEquals(Reason.INVALID, assertThrows(PlasmidException.class,
                () -> accounts.grant("u", "ReadDatabase", "db20", "Yes")).reason());
        assertEquals(Refusal.INVALID, admin.grant("u", "ReadDatabase", "db20", "Yes").refusal());
        assertEquals("No", accounts.grant("u", "ReadDatabase", "db3", "No").value(), "a replacement still fits");
        ClientSession sharer = user("sharer", "ReadDatabase shared Yes");
        assertEquals(Refusal.FORBIDDEN, sharer.grant("u", "ReadDatabase", "shared", "Yes").refusal());
        assertEquals(20, accounts.grants("u").size());
    }

    // ---- delegation: recorded, revocable by the delegator, cascading

    @Test
    void revokingADelegatorsGrant_revokesWhatItDelegated_alongTheChain() {
        user("bob", "ReadDatabase team_x Yes", "WriteDatabase team_x Yes");
        user("carol");
        user("dave");
        assertTrue(hub.session("bob").grant("carol", "ReadDatabase", "team_x", "Yes").succeeded());
        assertTrue(hub.session("carol").grant("dave", "ReadDatabase", "team_x", "Yes").succeeded());
        assertTrue(hub.session("bob").grant("dave", "WriteDatabase", "team_x", "Yes").succeeded());
        assertTrue(reads("dave", "team_x"));
        accounts.revoke("bob", "ReadDatabase", "team_x");
        assertFalse(reads("carol", "team_x"));
        assertFalse(reads("dave", "team_x"));
        assertEquals(List.of(), accounts.grants("carol"));
        assertEquals(List.of(new Grant("dave", "WriteDatabase", "team_x", "Yes", "bob")), accounts.grants("dave"),
                "what bob still holds stays delegated");
        // a denial given to the delegator cascades too
        accounts.grant("bob", "WriteDatabase", "team_x", "No");
        assertFalse(accounts.check("dave", "WriteDatabase", "team_x").allowed());
        assertEquals(List.of(), accounts.grants("dave"));
    }

    @Test
    void anAdministratorsLaterGrant_supersedesTheDelegationsItMatches_soALaterDenialIsNeverOverridden() {
        user("alice", "ReadDatabase team_a Yes", "ReadDatabase team_b Yes");
        user("bob");
        hub.session("alice").grant("bob", "ReadDatabase", "team_a", "Yes");
        hub.session("alice").grant("bob", "ReadDatabase", "team_b", "Yes");
        accounts.grant("bob", "ReadDatabase", "team_a*", "No");
        assertFalse(reads("bob", "team_a"), "the exact delegation does not beat the administrator's later denial");
        assertTrue(reads("bob", "team_b"), "a delegation it does not match stays");
        assertEquals(List.of(new Grant("bob", "ReadDatabase", "team_a*", "No"),
                new Grant("bob", "ReadDatabase", "team_b", "Yes", "alice")), accounts.grants("bob"));
    }

    @Test
    void theDelegator_mayRevokeItsDelegation_othersMayNot() {
        user("bob", "ReadDatabase team_x Yes");
        user("carol");
        user("mallory", "ReadDatabase team_x Yes");
        hub.session("bob").grant("carol", "ReadDatabase", "team_x", "Yes");
        assertEquals(Refusal.FORBIDDEN, hub.session("mallory").revoke("carol", "ReadDatabase", "team_x").refusal());
        assertTrue(hub.session("bob").revoke("carol", "ReadDatabase", "team_x").succeeded());
        assertFalse(reads("carol", "team_x"));
        assertEquals(Refusal.FORBIDDEN, hub.session("carol").revoke("bob", "ReadDatabase", "team_x").refusal());
    }

    @Test
    void aDelegatedGrant_isNotInForce_onceItsDelegatorLostIt_evenIfStillStored() {
        user("bob");
        user("carol");
        storage.putGrant(new Grant("carol", "ReadDatabase", "team_x", "Yes", "bob")); // a cascade cut short
        hub.authority().changed();
        assertFalse(reads("carol", "team_x"));
        accounts.grant("bob", "ReadDatabase", "team_x", "Yes");
        assertTrue(reads("carol", "team_x"));
    }

    @Test
    void revocationsAndGrants_takeEffectOnTheNextDecision() {
        ClientSession u = user("u", "ReadDatabase db Yes", "CreateDatabase db Yes");
        u.info("db");
        accounts.grant("u", "ReadDatabase", "db", "No");
        assertEquals(Reason.FORBIDDEN, assertThrows(PlasmidException.class, () -> u.info("db")).reason());
        accounts.revoke("u", "ReadDatabase", "db");
        accounts.grant("u", "* ".trim(), "d*", "Yes");
        assertEquals(1, u.info("db").revision());
    }
}
