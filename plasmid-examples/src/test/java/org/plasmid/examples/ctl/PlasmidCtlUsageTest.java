package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A wrong command line: a clear message on stderr, exit code 2, nothing done. */
class PlasmidCtlUsageTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("--bogus"), "unknown option --bogus"),
                Arguments.of(List.of("-x"), "unknown option -x"),
                Arguments.of(List.of("serve"), "unexpected argument 'serve' (an action's arguments follow its flag)"),
                Arguments.of(List.of("--set-secret", "test"),
                        "--set-secret needs 2 arguments: --set-secret ACCESS SECRET (got 1)"),
                Arguments.of(List.of("--set-secret"), "--set-secret needs 2 arguments: --set-secret ACCESS SECRET"),
                Arguments.of(List.of("--grant-permission", "test", "*"), "--grant-permission needs 3 arguments: "
                        + "--grant-permission ACCESS PERMISSION RESOURCE [VALUE] (got 2)"),
                Arguments.of(List.of("--set-secret", "test", "--list-accounts"),
                        "--set-secret needs 2 arguments: --set-secret ACCESS SECRET (got 1)"),
                Arguments.of(List.of("--check-permission", "a", "b", "c", "d"), "unexpected argument 'd' "
                        + "(an action's arguments follow its flag)"),
                Arguments.of(List.of("--revoke-permission", "a", "b", "c", "d"), "unexpected argument 'd' "
                        + "(an action's arguments follow its flag)"),
                Arguments.of(List.of("--port", "http"), "--port needs a number from 0 to 65535 (0: any free port), got 'http'"),
                Arguments.of(List.of("--port", "65536"), "--port needs a number from 0 to 65535 (0: any free port), got '65536'"),
                Arguments.of(List.of("--port=-1"), "--port needs a number from 0 to 65535 (0: any free port), got '-1'"),
                Arguments.of(List.of("--port"), "option --port needs a value"),
                Arguments.of(List.of("--host", "--port", "1"), "option --host needs a value"),
                Arguments.of(List.of("-p", ""), "option -p needs a non-empty value"),
                Arguments.of(List.of("--port", "1", "--port", "2"), "option --port is given twice"),
                Arguments.of(List.of("--set-secret", "a", "b", "--grant-permission", "a", "*", "*"),
                        "give one action at a time, not both --set-secret and --grant-permission"),
                Arguments.of(List.of("--list-accounts", "--list-accounts"),
                        "give one action at a time, not both --list-accounts and --list-accounts"),
                Arguments.of(List.of("--list-accounts=yes"), "--list-accounts takes its arguments separately: "
                        + "--list-accounts"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void aBadCommandLine_printsWhatIsWrong_andExits2_withoutTouchingTheHub(List<String> args, String message) {
        Path hub = tmp.resolve("hub");
        List<String> all = new ArrayList<>(args);
        if (!args.contains("-p")) {
            all.addAll(0, List.of("--hub-path", hub.toString()));
        }

        CtlInProcess.Run r = CtlInProcess.run(all.toArray(String[]::new));

        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("plasmidctl: " + message + "\nRun with --help for usage.\n", r.err());
        assertFalse(Files.exists(hub));
    }
}
