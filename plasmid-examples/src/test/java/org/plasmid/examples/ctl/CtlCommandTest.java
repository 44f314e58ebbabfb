package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.plasmid.core.mapdb.CheckpointPolicy;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.server.HubLocation;
import org.plasmid.servlet.PlasmidServletOptions;
import picocli.CommandLine.MissingParameterException;

/** How plasmidctl's command line is read: the options and action it yields, without running them. */
class CtlCommandTest {
    private static CtlCommand parse(String... args) {
        CtlCommand command = new CtlCommand();
        PrintStream discard = new PrintStream(new ByteArrayOutputStream());
        Cli.commandLine(command, discard, discard).parseArgs(args);
        return command;
    }

    @Test
    void noArguments_serveHubInTheCurrentDirectory_onLocalhostPort8880() {
        CtlCommand c = parse();
        assertNull(c.action);
        assertEquals(org.plasmid.examples.server.HubLocation.directory(Path.of("hub")), c.hub.location());
        assertEquals("127.0.0.1", c.server.host);
        assertEquals(8880, c.server.port);
        assertFalse(c.server.demo);
    }

    @Test
    void options_inEitherForm_andInAnyOrder_areTaken() {
        CtlCommand serve = parse("--port", "0", "--host=0.0.0.0", "-p", "/srv/hub");
        assertNull(serve.action);
        assertEquals(Path.of("/srv/hub"), serve.hub.path);
        assertEquals("0.0.0.0", serve.server.host);
        assertEquals(0, serve.server.port);

        CtlCommand list = parse("--list-accounts", "--hub-path=h2", "--port=8080");
        assertTrue(list.action.listAccounts);
        assertEquals("--list-accounts", list.action.flag());
        assertEquals(Path.of("h2"), list.hub.path);
        assertEquals(8080, list.server.port);
    }

    @Test
    void grantPermission_withoutValue_takesThree_andAnOptionMayFollow() {
        assertEquals(List.of("test", "*", "*"), parse("--grant-permission", "test", "*", "*").action.grantPermission);
        CtlCommand c = parse("--grant-permission", "test", "*", "*", "-p", "x");
        assertEquals(List.of("test", "*", "*"), c.action.grantPermission);
        assertEquals(Path.of("x"), c.hub.path);
        assertEquals("Yes", AdminAction.DEFAULT_GRANT_VALUE);
    }

    @Test
    void grantPermission_takesAnExplicitValue_evenANegativeNumber() {
        assertEquals(List.of("u", "DatabaseQuota", "db", "No"),
                parse("--grant-permission", "u", "DatabaseQuota", "db", "No").action.grantPermission);
        assertEquals(List.of("u", "DatabaseQuota", "db", "-1"),
                parse("--grant-permission", "u", "DatabaseQuota", "db", "-1").action.grantPermission);
    }

    @Test
    void aSecret_mayStartWithADash_unlessItIsOneOfTheFlags() {
        assertEquals(List.of("test", "-s3cret"), parse("--set-secret", "test", "-s3cret").action.setSecret);
        assertThrows(MissingParameterException.class, () -> parse("--set-secret", "test", "-p", "x"));
    }

    @Test
    void onlySetSecret_createsAHub() {
        assertTrue(parse("--set-secret", "a", "b").action.createsHub());
        assertFalse(parse("--list-accounts").action.createsHub());
        assertFalse(parse("--set-database-quota", "db", "none").action.createsHub());
    }

    @Test
    void help_winsOverTheRestOfTheLine() {
        CtlInProcess.Run r = CtlInProcess.run("--list-accounts", "-h", "--bogus");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("Usage: "), r::toString);
    }

    @Test
    void servletOptions_reachTheServlet_overPlasmidctlsDefaults() {
        CtlCommand c = parse("--servlet-option", "max-held-polls-per-address=20000",
                "--servlet-option=max-wait-seconds= 20", "--port", "0");
        PlasmidServletOptions o = ServeSettings.check(c.spec, c.server, c.tls, c.monitoring).servlet();
        assertEquals(20_000, o.maxHeldPollsPerAddress());
        assertEquals(java.time.Duration.ofSeconds(20), o.maxWait());
        assertFalse(o.requestLog(), "Jetty writes the access log: the servlet's own is off");
        assertEquals(PlasmidServletOptions.DEFAULT_MAX_HELD_POLLS, o.maxHeldPolls());

        CtlCommand logging = parse("--servlet-option", "request-log=true");
        assertTrue(ServeSettings.check(logging.spec, logging.server, logging.tls, logging.monitoring).servlet()
                .requestLog());
        CtlCommand none = parse();
        assertEquals(PlasmidServletOptions.builder().requestLog(false).build().toString(),
                ServeSettings.check(none.spec, none.server, none.tls, none.monitoring).servlet().toString());
    }

    @Test
    void demo_isAServingOption_only() {
        assertTrue(parse("--demo").server.demo);
        assertTrue(parse("--port", "0", "--demo").server.demo);
        assertFalse(parse().server.demo);
        CtlInProcess.Run r = CtlInProcess.run("--demo", "--list-accounts");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("plasmidctl: --demo applies to serving, not to --list-accounts (see --help)\n", r.err());
    }

    @Test
    void checkpointEvery_setsTheHubDirectorysPolicy_andWithoutIt_theDefaultPolicyHolds() {
        assertEquals(HubLocation.directory(Path.of("hub"), CheckpointPolicy.defaults()), parse().hub.location());
        assertEquals(HubLocation.directory(Path.of("/srv/hub"), CheckpointPolicy.defaults().every(64 << 10)),
                parse("-p", "/srv/hub", "--checkpoint-every", "64KiB").hub.location());
        assertEquals(HubLocation.directory(Path.of("hub"), CheckpointPolicy.defaults().every(256L << 20)),
                parse("--checkpoint-every=256MiB", "--demo").hub.location());
    }

    @Test
    void backupAndVerify_areActionsOnTheHubsFiles_theOthersAreNot() {
        CtlCommand backup = parse("--backup", "/backups/today");
        assertEquals(Path.of("/backups/today"), backup.action.backup);
        assertEquals("--backup", backup.action.flag());
        assertTrue(backup.action.onHubFiles());
        assertFalse(backup.action.createsHub());
        CtlCommand verify = parse("--verify", "-p", "h");
        assertTrue(verify.action.verify);
        assertEquals("--verify", verify.action.flag());
        assertTrue(verify.action.onHubFiles());
        assertFalse(parse("--list-accounts").action.onHubFiles());
        assertFalse(parse("--set-secret", "a", "b").action.onHubFiles());
    }
}
