package org.plasmid.examples.tools.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.plasmid.examples.cli.CapturedRun;

/** The soak's command line: help, one-line usage errors with exit code 2, and short real soaks. */
class SoakCommandLineTest {
    private static CapturedRun run(String... args) {
        return CapturedRun.of(Soak::run, args);
    }

    @Test
    void help_printsUsage_andExits0() {
        CapturedRun r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: java -cp plasmidctl.jar org.plasmid.examples.tools.soak.Soak [OPTIONS]\n"),
                r.out());
        assertTrue(r.out().contains("\nOptions:\n") && r.out().contains("\nExit codes:\n"), r.out());
        assertEquals("", r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--duration 5x                    | invalid value for option '--duration': '5x' is not a duration such as 30s, 5m or 500ms",
        "--duration 0                     | --duration needs a duration from 1s to 168h, got 0s",
        "--url http://127.0.0.1:1/plasmid/v1/ | --url needs --access and --secret too",
        "--access a --secret s            | --access and --secret go with --url (the embedded server makes its own account)",
        "--url ftp://x/ --access a --secret s | --url needs an http(s) URL such as http://127.0.0.1:8880/plasmid/v1/, got 'ftp://x/'",
        "--workers 0                      | --workers needs a whole number from 1 to 1000, got 0",
        "--warmup=1s --warmup=2s          | option --warmup is given twice",
        "--worker 2                       | unknown option '--worker'; did you mean --workers?",
    })
    void aWrongCommandLine_isOneLine_andExits2(String args, String message) {
        CapturedRun r = run(args.trim().split("\\s+"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("Soak: " + message + " (see --help)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void aShortSoak_onTheEmbeddedServer_passesAndExits0() {
        CapturedRun r = run("--duration", "1s", "--warmup", "0", "--workers", "2", "--databases", "1", "--seed", "5");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("seed 5"), r.out());
        assertTrue(r.out().contains("heap after GC: start "), r.out());
        assertTrue(r.out().endsWith("PASS\n"), r.out());
    }

    @Test
    void aSoakOfAServerThatIsNotThere_saysSo_andExits1() {
        CapturedRun r = run("--url", "http://127.0.0.1:1/plasmid/v1/", "--access", "a", "--secret", "s", "--duration", "1s");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("the soak could not run: java.io.UncheckedIOException: java.net.ConnectException"), r.out());
        assertTrue(r.out().contains("not measured"), r.out());
    }
}
