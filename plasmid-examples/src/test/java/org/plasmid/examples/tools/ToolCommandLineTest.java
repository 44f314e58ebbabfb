package org.plasmid.examples.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The tools' command lines: help, usage errors with exit code 2, and a short real soak. */
class ToolCommandLineTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = tool.equals("CrashTorture") ? CrashTorture.run(args, o, e) : Soak.run(args, o, e);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource({"CrashTorture", "Soak"})
    void help_printsUsage_andExits0(String tool) {
        Run r = run(tool, "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("Usage: java -cp plasmidctl.jar org.plasmid.examples.tools." + tool + " [OPTIONS]\n"),
                r.out());
        assertTrue(r.out().contains("\nOptions:\n") && r.out().contains("\nExit codes:\n"), r.out());
        assertEquals("", r.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CrashTorture | --trials 0                       | --trials needs a whole number from 1 to 100000, got 0",
        "CrashTorture | --devices many                   | invalid value for option '--devices': 'many' is not an int",
        "CrashTorture | --seed x                         | invalid value for option '--seed': 'x' is not a long",
        "CrashTorture | --max-run 50ms                   | --max-run needs a duration from 200ms to 10m, got 50ms",
        "CrashTorture | --max-run 2x                     | invalid value for option '--max-run': '2x' is not a duration such as 30s, 5m or 500ms",
        "CrashTorture | --trials                         | option --trials needs a value: --trials N",
        "CrashTorture | --trials 2 --trials 3            | option --trials is given twice",
        "CrashTorture | --trails 3                       | unknown option '--trails'; did you mean --trials?",
        "CrashTorture | --kill-9                         | unknown option '--kill-9'",
        "CrashTorture | now                              | unexpected argument 'now'",
        "Soak         | --duration 5x                    | invalid value for option '--duration': '5x' is not a duration such as 30s, 5m or 500ms",
        "Soak         | --duration 0                     | --duration needs a duration from 1s to 168h, got 0s",
        "Soak         | --url http://127.0.0.1:1/plasmid/v1/ | --url needs --access and --secret too",
        "Soak         | --access a --secret s            | --access and --secret go with --url (the embedded server makes its own account)",
        "Soak         | --url ftp://x/ --access a --secret s | --url needs an http(s) URL such as http://127.0.0.1:8880/plasmid/v1/, got 'ftp://x/'",
        "Soak         | --workers 0                      | --workers needs a whole number from 1 to 1000, got 0",
        "Soak         | --warmup=1s --warmup=2s          | option --warmup is given twice",
    })
    void aWrongCommandLine_isOneLine_andExits2(String tool, String args, String message) {
        Run r = run(tool, args.trim().split("\\s+"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals(tool + ": " + message + " (see --help)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void durations_takeTheUnitsUsersWrite_andAreShownTheSameWay() {
        DurationConverter durations = new DurationConverter();
        assertEquals(Duration.ofMillis(1500), durations.convert("1500ms"));
        assertEquals(Duration.ofSeconds(30), durations.convert("30s"));
        assertEquals(Duration.ofSeconds(30), durations.convert("30"));
        assertEquals(Duration.ofMinutes(5), durations.convert("5m"));
        assertEquals(Duration.ofHours(1), durations.convert("1h"));
        for (String bad : new String[] {"", "5x", "-1s", "1.5s", "1234567890s"}) {
            assertThrows(CommandLine.TypeConversionException.class, () -> durations.convert(bad), bad);
        }
        assertEquals("1500ms", DurationConverter.format(Duration.ofMillis(1500)));
        assertEquals("30s", DurationConverter.format(Duration.ofSeconds(30)));
        assertEquals("5m", DurationConverter.format(Duration.ofMinutes(5)));
        assertEquals("168h", DurationConverter.format(Duration.ofDays(7)));
        assertEquals("0s", DurationConverter.format(Duration.ZERO));
    }

    @Test
    void aShortSoak_onTheEmbeddedServer_passesAndExits0() {
        Run r = run("Soak", "--duration", "1s", "--warmup", "0", "--workers", "2", "--databases", "1", "--seed", "5");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("seed 5"), r.out());
        assertTrue(r.out().contains("heap after GC: start "), r.out());
        assertTrue(r.out().endsWith("PASS\n"), r.out());
    }

    @Test
    void aSoakOfAServerThatIsNotThere_saysSo_andExits1() {
        Run r = run("Soak", "--url", "http://127.0.0.1:1/plasmid/v1/", "--access", "a", "--secret", "s", "--duration", "1s");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("the soak could not run: java.io.UncheckedIOException: java.net.ConnectException"), r.out());
        assertTrue(r.out().contains("not measured"), r.out());
    }

    @Test
    void theTortureWithAMissingJar_saysSo_andExits1() {
        Run r = run("CrashTorture", "--trials", "1", "--jar", "/nonexistent/plasmidctl.jar");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("there is no plasmidctl jar at /nonexistent/plasmidctl.jar"), r.out());
        assertTrue(r.out().contains("FAIL (seed "), r.out());
    }

}
