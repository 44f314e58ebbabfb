package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.plasmid.core.mapdb.CheckpointPolicy;
import org.plasmid.examples.cli.DurationConverter;
import org.plasmid.examples.cli.SizeConverter;

/** What plasmidctl prints about itself: the generated help, the version, the completion script. */
class PlasmidCtlHelpTest {
    @Test
    void help_isGenerated_withItsSections_theQuickStart_andTheExitCodesLast_andExits0() {
        CtlInProcess.Run r = CtlInProcess.run("--help");

        assertEquals(0, r.exitCode());
        assertEquals("", r.err());
        String help = r.out();
        assertTrue(help.startsWith("Usage: java -jar plasmidctl.jar [OPTIONS] [ACTION]\n"), help);
        int hub = help.indexOf("\nHub:\n");
        int server = help.indexOf("\nServer (without an action):\n");
        int actions = help.indexOf("\nAdmin actions (at most one;");
        int general = help.indexOf("\nGeneral:\n");
        int example = help.indexOf("\nExample (the quick start):\n");
        int exitCodes = help.indexOf("\nExit codes:\n");
        assertTrue(0 < hub && hub < server && server < actions && actions < general && general < example
                && example < exitCodes, help);
        for (String option : List.of("-p, --hub-path DIR", "--host ADDR", "--port N", "--demo",
                "--set-secret ACCESS SECRET", "--grant-permission ACCESS PERMISSION RESOURCE [VALUE]",
                "--revoke-permission ACCESS PERMISSION RESOURCE", "--check-permission ACCESS PERMISSION RESOURCE",
                "--list-accounts", "--set-database-quota DATABASE BYTES|none", "--backup DIR", "--verify",
                "--checkpoint-every SIZE", "-h, --help", "-V, --version", "--completion")) {
            assertTrue(help.contains("  " + option), option + " in\n" + help);
        }
        // the wrapping moves with the widest option (--tls-keystore FILE): compare the words
        assertTrue(help.replaceAll("\\s+", " ").contains("--host 0.0.0.0 listens on all interfaces"), help);
        for (String option : List.of("--tls-keystore FILE", "--tls-alias NAME", "--tls-cert FILE", "--tls-key FILE",
                "--redirect-http-port N", "--metrics-port N", "--metrics-host ADDR", "--forwarded")) {
            assertTrue(help.contains("  " + option), option + " in\n" + help);
        }
        assertTrue(help.indexOf("\nHTTPS (without an action):\n") > server
                && help.indexOf("\nMonitoring (without an action):\n") < actions, help);
        assertTrue(help.contains("  java -jar plasmidctl.jar --set-secret test secret123\n"
                + "  java -jar plasmidctl.jar --grant-permission test \"*\" \"*\"\n"
                + "  java -jar plasmidctl.jar\n"), help);
        assertTrue(help.substring(exitCodes).matches("(?s)\nExit codes:\n  0   success.*\n  1   the action failed.*"
                + "\n  2   bad usage.*"), help);
    }

    @Test
    void help_statesTheDefaultCheckpointPolicy_asTheEngineDefinesIt() {
        String help = CtlInProcess.run("--help").out().replaceAll("\\s+", " ");
        CheckpointPolicy defaults = CheckpointPolicy.defaults();
        assertTrue(help.contains("(default: after " + SizeConverter.format(defaults.minimumTail())
                + " of journal or half the last checkpoint's size, whichever is more, and when idle for "
                + DurationConverter.format(defaults.idleAfter()) + " with a journal segment to reclaim)"), help);
        assertEquals(0.5, defaults.tailRatio(), "the help says half");
    }

    @Test
    void version_namesPlasmidctlAndTheJava_andExits0() {
        CtlInProcess.Run r = CtlInProcess.run("-V");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("plasmidctl "), r::toString); // the version itself is in the jar's manifest
        assertTrue(r.out().contains("\nJava " + System.getProperty("java.version") + " "), r::toString);
        assertEquals(r.out(), CtlInProcess.run("--version").out());
    }

    @Test
    void completion_printsABashCompletionScriptForPlasmidctl_andExits0() {
        CtlInProcess.Run r = CtlInProcess.run("--completion");

        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r::toString);
        assertTrue(r.out().contains("complete -F _complete_plasmidctl"), r::toString);
        assertTrue(r.out().contains("--set-database-quota") && r.out().contains("--hub-path"), r::toString);
    }
}
