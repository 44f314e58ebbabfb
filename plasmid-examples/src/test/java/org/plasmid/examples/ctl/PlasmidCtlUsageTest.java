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
import org.plasmid.servlet.PlasmidServletOptions;

/** A wrong command line: one line on stderr saying what is wrong, exit code 2, nothing done. */
class PlasmidCtlUsageTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> badCommandLines() {
        String port = "invalid value for option '--port': '%s' is not a port number from 0 to 65535, 0 for any free port";
        return Stream.of(
                Arguments.of(List.of("--bogus"), "unknown option '--bogus'"),
                Arguments.of(List.of("--hub-pth", "x"), "unknown option '--hub-pth'; did you mean --hub-path?"),
                Arguments.of(List.of("--list-acounts"), "unknown option '--list-acounts'; did you mean --list-accounts?"),
                Arguments.of(List.of("-x"), "unknown option '-x'"),
                Arguments.of(List.of("serve"), "unexpected argument 'serve'"),
                Arguments.of(List.of("--set-secret", "test"),
                        "option --set-secret needs 2 values: --set-secret ACCESS SECRET"),
                Arguments.of(List.of("--set-secret"), "option --set-secret needs 2 values: --set-secret ACCESS SECRET"),
                Arguments.of(List.of("--grant-permission", "test", "*"), "option --grant-permission needs 3 or 4 values: "
                        + "--grant-permission ACCESS PERMISSION RESOURCE [VALUE]"),
                Arguments.of(List.of("--set-secret", "test", "--list-accounts"),
                        "option --set-secret needs 2 values: --set-secret ACCESS SECRET"),
                Arguments.of(List.of("--set-database-quota", "notes"),
                        "option --set-database-quota needs 2 values: --set-database-quota DATABASE BYTES|none"),
                Arguments.of(List.of("--check-permission", "a", "b", "c", "d"), "unexpected argument 'd'"),
                Arguments.of(List.of("--revoke-permission", "a", "b", "c", "d"), "unexpected argument 'd'"),
                Arguments.of(List.of("--port", "http"), String.format(port, "http")),
                Arguments.of(List.of("--port", "65536"), String.format(port, "65536")),
                Arguments.of(List.of("--port", "99999"), String.format(port, "99999")),
                Arguments.of(List.of("--port=-1"), String.format(port, "-1")),
                Arguments.of(List.of("--port"), "option --port needs a value: --port N"),
                Arguments.of(List.of("--host", "--port", "1"), "option --host needs a value: --host ADDR"),
                Arguments.of(List.of("--host", " "), "invalid value for option '--host': the value may not be empty"),
                Arguments.of(List.of("-p", ""), "invalid value for option '--hub-path': the path may not be empty"),
                Arguments.of(List.of("--port", "1", "--port", "2"), "option --port is given twice"),
                Arguments.of(List.of("-p", "a", "--hub-path=b"), "option --hub-path is given twice"),
                Arguments.of(List.of("--set-secret", "a", "b", "--grant-permission", "a", "*", "*"),
                        "--set-secret and --grant-permission exclude each other: give one"),
                Arguments.of(List.of("--list-accounts", "--list-accounts"), "option --list-accounts is given twice"),
                // a repeatable option given twice before the mistake is not the mistake
                Arguments.of(List.of("--servlet-option", "max-depth=9", "--servlet-option", "max-body-bytes=2000",
                        "--port", "1", "--port", "2"), "option --port is given twice"),
                Arguments.of(List.of("--servlet-option", "max-depth=9", "--servlet-option", "max-body-bytes=2000",
                        "--set-secret", "a", "b", "--grant-permission", "a", "*", "*"),
                        "--set-secret and --grant-permission exclude each other: give one"),
                Arguments.of(List.of("--list-accounts=yes"),
                        "invalid value for option '--list-accounts': 'yes' is not a boolean"),
                Arguments.of(List.of("--demo", "--list-accounts"), "--demo applies to serving, not to --list-accounts"),
                Arguments.of(List.of("--servlet-option", "max-polls=1"),
                        "invalid value for option '--servlet-option' (NAME=VALUE): unknown init-param 'max-polls' (known: "
                                + String.join(", ", PlasmidServletOptions.initParamNames()) + ")"),
                Arguments.of(List.of("--servlet-option", "max-depth=2000"),
                        "invalid value for option '--servlet-option' (NAME=VALUE): max-depth must be 1-1000, got 2000"),
                Arguments.of(List.of("--servlet-option=max-held-polls-per-address=many"),
                        "invalid value for option '--servlet-option' (NAME=VALUE): max-held-polls-per-address must be a whole "
                                + "number, got 'many'"),
                Arguments.of(List.of("--servlet-option", "max-depth"),
                        "invalid value for option '--servlet-option' (NAME=VALUE): 'max-depth' has no =VALUE (NAME is one of "
                                + String.join(", ", PlasmidServletOptions.initParamNames()) + ")"),
                Arguments.of(List.of("--servlet-option", "max-depth=9", "--servlet-option", "max-depth=10"),
                        "--servlet-option max-depth is given twice"),
                Arguments.of(List.of("--servlet-option", "max-value-bytes=2000", "--servlet-option", "max-body-bytes=1000"),
                        "--servlet-option: maxValueBytes (2000) must not exceed maxBodyBytes (1000)"),
                Arguments.of(List.of("--servlet-option", "max-depth=9", "--list-accounts"),
                        "--servlet-option applies to serving, not to --list-accounts"));
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
        assertEquals("plasmidctl: " + message + " (see --help)\n", r.err());
        assertFalse(Files.exists(hub));
    }
}
