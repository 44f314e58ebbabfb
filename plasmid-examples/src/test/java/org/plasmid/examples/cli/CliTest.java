package org.plasmid.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The conventions on a command of their own: exit codes, one-line errors, the help's form. */
class CliTest {
    @Command(name = "probe", mixinStandardHelpOptions = true, footer = "%nThe footer.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:fine", "1:broke", "2:usage"})
    static final class Probe implements Callable<Integer> {
        @Option(names = "--count", paramLabel = "N", description = "how many")
        int count;

        @Option(names = "--fail", description = "throw")
        boolean fail;

        @Option(names = "--tag", paramLabel = "T", description = "repeatable")
        List<String> tags;

        @Override
        public Integer call() {
            if (fail) {
                throw new IllegalStateException("the probe broke on purpose");
            }
            return count;
        }
    }

    private static CapturedRun run(String... args) {
        return CapturedRun.of((a, o, e) -> Cli.execute(new Probe(), a, o, e), args);
    }

    @Test
    void theCommandsExitCode_isReturned_andValuesMayFollowAnEqualsSign() {
        assertEquals(0, run().exit());
        assertEquals(1, run("--count", "1").exit());
        assertEquals(1, run("--count=1").exit());
    }

    @Test
    void anExceptionEscapingTheCommand_isOneLine_exit1_neverAStackTrace() {
        CapturedRun r = run("--fail");
        assertEquals(Cli.FAILED, r.exit());
        assertEquals("probe: the probe broke on purpose\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void aWrongCommandLine_isOneLine_exit2() {
        assertEquals(new CapturedRun(Cli.USAGE, "", "probe: unknown option '--cont'; did you mean --count? (see --help)\n"),
                run("--cont", "3"));
        assertEquals(new CapturedRun(Cli.USAGE, "", "probe: invalid value for option '--count': 'x' is not an int (see --help)\n"),
                run("--count", "x"));
        assertEquals(new CapturedRun(Cli.USAGE, "", "probe: option --count is given twice (see --help)\n"),
                run("--count", "1", "--count=2"));
    }

    @Test
    void anOptionGivenTwice_isNamed_evenWhenARepeatableOptionWasRepeatedBeforeIt() {
        assertEquals(0, run("--tag", "a", "--tag", "b").exit());
        assertEquals(new CapturedRun(Cli.USAGE, "", "probe: option --count is given twice (see --help)\n"),
                run("--tag", "a", "--tag", "b", "--count", "1", "--count", "2"));
    }

    @Test
    void help_writesOptionsAsNameSpaceValue_andEndsWithTheExitCodes() {
        CapturedRun r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("      --count N   how many\n"), r.out());
        assertTrue(r.out().endsWith("\nThe footer.\n\nExit codes:\n  0   fine\n  1   broke\n  2   usage\n"), r.out());
    }
}
