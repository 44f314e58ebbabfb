package org.plasmid.examples.tools.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The crash torture as CI runs it, through its command line, against the real {@code plasmidctl.jar}:
 * 3 trials of SIGKILL under 3 concurrent devices (more with {@code -Dplasmid.torture.trials=N}; replay a
 * schedule with {@code -Dplasmid.torture.seed=S}). Fails on any loss, partial push, gap, divergence or
 * other error.
 */
class CrashTortureIT {
    private static final Pattern TOTAL = Pattern.compile(
            "total: (\\d+) trials, (\\d+) pushes acknowledged, (\\d+) lost, (\\d+) partial, (\\d+) gaps, (\\d+) diverged;");

    @Test
    void killNineUnderConcurrentDevices_losesNoAcknowledgedPush_leavesNoPartialOne_andTheDevicesConverge() {
        int trials = Integer.getInteger("plasmid.torture.trials", 3);
        long seed = Long.getLong("plasmid.torture.seed", new SecureRandom().nextLong());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CrashTorture.run(new String[] {"--trials", Integer.toString(trials), "--devices", "3",
            "--seed", Long.toString(seed), "--jar", System.getProperty("plasmidctl.jar")},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        System.out.print(table);

        Matcher total = TOTAL.matcher(table);
        assertTrue(total.find(), table);
        assertEquals(Integer.toString(trials), total.group(1), table);
        assertEquals("0", total.group(3), "lost\n" + table);
        assertEquals("0", total.group(4), "partial\n" + table);
        assertEquals("0", total.group(5), "gaps\n" + table);
        assertEquals("0", total.group(6), "diverged\n" + table);
        assertTrue(Long.parseLong(total.group(2)) > trials, "pushes were acknowledged\n" + table);
        assertTrue(table.contains("PASS (seed " + seed + ")"), table);
        assertEquals(CrashTorture.OK, exit, table);
    }
}
