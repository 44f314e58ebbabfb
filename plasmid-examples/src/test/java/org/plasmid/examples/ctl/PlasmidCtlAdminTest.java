package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidHub;

/** The admin actions, through plasmidctl's main entry, on a real hub in a temporary directory. */
class PlasmidCtlAdminTest {
    @TempDir
    Path tmp;
    String hub;

    @BeforeEach
    void hubPath() {
        hub = tmp.resolve("hub").toString();
    }

    private CtlInProcess.Run ctl(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--hub-path";
        all[1] = hub;
        System.arraycopy(args, 0, all, 2, args.length);
        return CtlInProcess.run(all);
    }

    private CtlInProcess.Run ok(String... args) {
        CtlInProcess.Run r = ctl(args);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r;
    }

    @Test
    void setSecret_createsTheHubAndAccount_withoutPrintingTheSecret() {
        CtlInProcess.Run r = ok("--set-secret", "test", "secret123");

        assertEquals("Created account test.\n", r.out());
        assertTrue(Files.isDirectory(Path.of(hub)));
        try (PlasmidHub h = PlasmidHub.open(Path.of(hub))) {
            assertTrue(h.accounts().authenticate("test", "secret123"));
            assertFalse(h.accounts().authenticate("test", "other"));
        }
    }

    @Test
    void setSecret_onAnExistingAccount_changesTheSecretAndKeepsItsGrants() {
        ok("--set-secret", "test", "secret123");
        ok("--grant-permission", "test", "ReadDatabase", "notes");

        CtlInProcess.Run r = ok("--set-secret", "test", "new-secret");

        assertEquals("Changed the secret of test.\n", r.out());
        try (PlasmidHub h = PlasmidHub.open(Path.of(hub))) {
            assertTrue(h.accounts().authenticate("test", "new-secret"));
            assertFalse(h.accounts().authenticate("test", "secret123"));
            assertTrue(h.accounts().check("test", "ReadDatabase", "notes").allowed());
        }
    }

    @Test
    void setDatabaseQuota_bindsEveryWriter_andNoneRemovesIt() {
        ok("--set-secret", "test", "secret123");
        try (PlasmidHub h = PlasmidHub.open(Path.of(hub))) {
            h.createDatabase("notes");
        }
        assertEquals("Database notes may store at most 10 bytes now, whoever pushes.\n",
                ok("--set-database-quota", "notes", "10").out());
        try (PlasmidHub h = PlasmidHub.open(Path.of(hub))) {
            assertEquals(java.util.OptionalLong.of(10), h.databaseQuota("notes"));
        }
        assertEquals("Database notes has no quota of its own now.\n", ok("--set-database-quota", "notes", "none").out());
        CtlInProcess.Run bad = ctl("--set-database-quota", "notes", "10KB");
        assertEquals(1, bad.exitCode(), bad::toString);
        assertTrue(bad.err().startsWith("plasmidctl: a database quota is a number of bytes"), bad::toString);
        CtlInProcess.Run missing = ctl("--set-database-quota", "nothere", "10");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertEquals("plasmidctl: no database nothere\n", missing.err());
    }

    @Test
    void grantPermission_withAnInexactValue_isRefused_withOneLine() {
        ok("--set-secret", "u", "secret123");
        for (String[] bad : new String[][] {{"ReadDatabase", "db", "false"}, {"ReadDatabase", "db", "No "},
                {"DatabaseQuota", "db", "10KB"}}) {
            CtlInProcess.Run r = ctl("--grant-permission", "u", bad[0], bad[1], bad[2]);
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().startsWith("plasmidctl: " + bad[0]), r::toString);
        }
        assertEquals("u (no grants)\n", ok("--list-accounts").out());
    }

    @Test
    void grantPermission_withoutAValue_grantsYes() {
        ok("--set-secret", "test", "secret123");

        CtlInProcess.Run r = ok("--grant-permission", "test", "*", "*");

        assertEquals("Granted test: * on * = Yes.\n", r.out());
        try (PlasmidHub h = PlasmidHub.open(Path.of(hub))) {
            assertEquals(List.of(new Grant("test", "*", "*", "Yes")), h.accounts().grants("test"));
        }
    }

    @Test
    void grantPermission_withAValue_storesThatValue() {
        ok("--set-secret", "test", "secret123");

        ok("--grant-permission", "test", "DatabaseQuota", "notes", "5000");

        assertEquals("5000\n", ok("--check-permission", "test", "DatabaseQuota", "notes").out());
    }

    @Test
    void checkPermission_printsTheValueOfTheMostSpecificGrant() {
        ok("--set-secret", "test", "secret123");
        ok("--grant-permission", "test", "*", "*");
        ok("--grant-permission", "test", "DatabaseQuota", "big*", "9000");

        assertEquals("Yes\n", ok("--check-permission", "test", "ReadDatabase", "notes").out());
        assertEquals("9000\n", ok("--check-permission", "test", "DatabaseQuota", "big-db").out());
    }

    @Test
    void checkPermission_printsNo_withoutAGrant_andForADenyingGrant() {
        ok("--set-secret", "test", "secret123");
        ok("--grant-permission", "test", "ReadDatabase", "*");
        ok("--grant-permission", "test", "ReadDatabase", "secret-db", "No");

        assertEquals("No\n", ok("--check-permission", "test", "WriteDatabase", "notes").out());
        assertEquals("No\n", ok("--check-permission", "test", "ReadDatabase", "secret-db").out());
        assertEquals("Yes\n", ok("--check-permission", "test", "ReadDatabase", "notes").out());
    }

    @Test
    void checkPermission_ofAnUnknownAccount_failsWithExitCode1() {
        ok("--set-secret", "test", "secret123");

        CtlInProcess.Run r = ctl("--check-permission", "tset", "ReadDatabase", "notes");

        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertEquals("plasmidctl: no account tset (set its secret first)\n", r.err());
    }

    @Test
    void listAccounts_showsEveryAccountAndItsGrants_butNeverASecret() {
        ok("--set-secret", "test", "secret123");
        ok("--set-secret", "alice", "wonderland-42");
        ok("--grant-permission", "test", "*", "*");

        CtlInProcess.Run r = ok("--list-accounts");

        assertEquals("alice (no grants)\ntest\n    * on * = Yes\n", r.out());
        assertFalse(r.out().contains("secret123"));
        assertFalse(r.out().contains("wonderland"));
    }

    @Test
    void listAccounts_onAHubWithoutAccounts_saysHowToCreateOne() {
        Path empty = tmp.resolve("empty");
        PlasmidHub.open(empty).close(); // an existing hub without accounts

        CtlInProcess.Run r = CtlInProcess.run("-p", empty.toString(), "--list-accounts");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("No accounts yet; create one with --set-secret ACCESS SECRET.\n", r.out());
    }

    @Test
    void revokePermission_removesTheGrant_soCheckPrintsNo() {
        ok("--set-secret", "test", "secret123");
        ok("--grant-permission", "test", "WriteDatabase", "notes");

        CtlInProcess.Run r = ok("--revoke-permission", "test", "WriteDatabase", "notes");

        assertEquals("Revoked test: WriteDatabase on notes.\n", r.out());
        assertEquals("No\n", ok("--check-permission", "test", "WriteDatabase", "notes").out());
        assertEquals("test (no grants)\n", ok("--list-accounts").out());
    }

    @Test
    void revokePermission_ofAGrantNotHeld_saysNothingChanged() {
        ok("--set-secret", "test", "secret123");

        CtlInProcess.Run r = ok("--revoke-permission", "test", "WriteDatabase", "notes");

        assertEquals("test holds no grant WriteDatabase on notes; nothing changed.\n", r.out());
    }

    @Test
    void grantPermission_toAnUnknownAccount_failsWithExitCode1() {
        ok("--set-secret", "test", "secret123");

        CtlInProcess.Run r = ctl("--grant-permission", "nobody", "*", "*");

        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("plasmidctl: no account nobody"), r::toString);
    }

    @Test
    void invalidNames_failWithExitCode1_andAClearMessage() {
        ok("--set-secret", "test", "secret123");

        CtlInProcess.Run badAccess = ctl("--set-secret", "../etc", "x");
        CtlInProcess.Run badResource = ctl("--grant-permission", "test", "ReadDatabase", "a/b");
        CtlInProcess.Run badPermission = ctl("--check-permission", "test", "Read Database", "notes");

        assertEquals(1, badAccess.exitCode(), badAccess::toString);
        assertTrue(badAccess.err().startsWith("plasmidctl: invalid access token '../etc'"), badAccess::toString);
        assertEquals(1, badResource.exitCode(), badResource::toString);
        assertTrue(badResource.err().startsWith("plasmidctl: invalid resource 'a/b'"), badResource::toString);
        assertEquals(1, badPermission.exitCode(), badPermission::toString);
        assertTrue(badPermission.err().startsWith("plasmidctl: invalid permission"), badPermission::toString);
    }

    @Test
    void adminActionsOtherThanSetSecret_onAMissingHub_failWithoutCreatingIt() {
        for (String[] args : List.of(new String[] {"--list-accounts"},
                new String[] {"--grant-permission", "test", "*", "*"},
                new String[] {"--check-permission", "test", "ReadDatabase", "x"},
                new String[] {"--revoke-permission", "test", "*", "*"})) {
            CtlInProcess.Run r = ctl(args);

            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().startsWith("plasmidctl: there is no hub at "), r::toString);
        }
        assertFalse(Files.exists(Path.of(hub)));
    }

    @Test
    void anAdminAction_whileTheHubIsOpenElsewhere_failsClearly_andChangesNothing() {
        ok("--set-secret", "test", "secret123");
        try (PlasmidHub server = PlasmidHub.open(Path.of(hub))) {
            CtlInProcess.Run r = ctl("--grant-permission", "test", "*", "*");

            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.err().matches("(?s)plasmidctl: hub .* is in use by another process.*\n"), r::toString);
            assertEquals(List.of(), server.accounts().grants("test"));
        }
        assertEquals("test (no grants)\n", ok("--list-accounts").out());
    }
}
