package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void noArguments_serveHubInTheCurrentDirectory_onLocalhostPort8880() throws Exception {
        assertEquals(new CommandLine(Action.SERVE, List.of(), Path.of("hub"), "127.0.0.1", 8880),
                CommandLine.parse());
    }

    @Test
    void options_inEitherForm_andInAnyOrder_areTaken() throws Exception {
        assertEquals(new CommandLine(Action.SERVE, List.of(), Path.of("/srv/hub"), "0.0.0.0", 0),
                CommandLine.parse("--port", "0", "--host=0.0.0.0", "-p", "/srv/hub"));
        assertEquals(new CommandLine(Action.LIST_ACCOUNTS, List.of(), Path.of("h2"), "127.0.0.1", 8880),
                CommandLine.parse("--list-accounts", "--hub-path=h2"));
    }

    @Test
    void grantPermission_withoutValue_defaultsToYes_andAnOptionMayFollow() throws Exception {
        assertEquals(List.of("test", "*", "*", "Yes"),
                CommandLine.parse("--grant-permission", "test", "*", "*").arguments());
        assertEquals(new CommandLine(Action.GRANT_PERMISSION, List.of("test", "*", "*", "Yes"), Path.of("x"),
                "127.0.0.1", 8880), CommandLine.parse("--grant-permission", "test", "*", "*", "-p", "x"));
    }

    @Test
    void grantPermission_takesAnExplicitValue_evenANegativeNumber() throws Exception {
        assertEquals(List.of("u", "DatabaseQuota", "db", "No"),
                CommandLine.parse("--grant-permission", "u", "DatabaseQuota", "db", "No").arguments());
        assertEquals(List.of("u", "DatabaseQuota", "db", "-1"),
                CommandLine.parse("--grant-permission", "u", "DatabaseQuota", "db", "-1").arguments());
    }

    @Test
    void aSecret_mayStartWithADash_unlessItIsOneOfTheFlags() throws Exception {
        assertEquals(List.of("test", "-s3cret"), CommandLine.parse("--set-secret", "test", "-s3cret").arguments());
    }

    @Test
    void help_winsOverTheRestOfTheLine() throws Exception {
        assertEquals(Action.HELP, CommandLine.parse("--list-accounts", "-h", "--bogus").action());
    }

    @Test
    void demo_isAServingOption_only() throws Exception {
        assertTrue(CommandLine.parse("--demo").demo());
        assertTrue(CommandLine.parse("--port", "0", "--demo").demo());
        assertFalse(CommandLine.parse().demo());
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse("--demo", "--list-accounts"));
        assertTrue(e.getMessage().contains("--demo"), e.getMessage());
    }
}
