package org.plasmid.examples.tools.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.plasmid.examples.cli.CapturedRun;

/** The crash torture's command line: help, one-line usage errors with exit code 2, a torture that cannot run. */
class CrashTortureCommandLineTest {
    private static CapturedRun run(String... args) {
        return CapturedRun.of(CrashTorture::run, args);
    }

    @Test
    void help_printsUsage_andExits0() {
        CapturedRun r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith(
                "Usage: java -cp plasmidctl.jar org.plasmid.examples.tools.torture.CrashTorture [OPTIONS]\n"), r.out());
        assertTrue(r.out().contains("\nOptions:\n") && r.out().contains("\nExit codes:\n"), r.out());
        assertEquals("", r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--trials 0                       | --trials needs a whole number from 1 to 100000, got 0",
        "--devices many                   | invalid value for option '--devices': 'many' is not an int",
        "--seed x                         | invalid value for option '--seed': 'x' is not a long",
        "--max-run 50ms                   | --max-run needs a duration from 200ms to 10m, got 50ms",
        "--max-run 2x                     | invalid value for option '--max-run': '2x' is not a duration such as 30s, 5m or 500ms",
        "--trials                         | option --trials needs a value: --trials N",
        "--trials 2 --trials 3            | option --trials is given twice",
        "--trails 3                       | unknown option '--trails'; did you mean --trials?",
        "--kill-9                         | unknown option '--kill-9'",
        "--checkpoint-every 1KiB          | --checkpoint-every needs a size from 4KiB to 1GiB, got 1KiB",
        "--checkpoint-every 16MB          | invalid value for option '--checkpoint-every': '16MB' is not a size such as 65536, 64KiB, 16MiB or 1GiB",
        "--checkpoint-every 4KiB --jdbc-url jdbc:postgresql://x/y | --checkpoint-every applies to a MapDB hub, not to --jdbc-url",
        "now                              | unexpected argument 'now'",
    })
    void aWrongCommandLine_isOneLine_andExits2(String args, String message) {
        CapturedRun r = run(args.trim().split("\\s+"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("CrashTorture: " + message + " (see --help)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void theTortureWithAMissingJar_saysSo_andExits1() {
        CapturedRun r = run("--trials", "1", "--jar", "/nonexistent/plasmidctl.jar");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("there is no plasmidctl jar at /nonexistent/plasmidctl.jar"), r.out());
        assertTrue(r.out().contains("FAIL (seed "), r.out());
    }
}
