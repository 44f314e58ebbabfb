package org.plasmid.examples.tools.torture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.plasmid.core.jdbc.TestPostgres;
import org.plasmid.examples.cli.CapturedRun;

/**
 * The crash torture as CI runs it, through its command line, against the real {@code plasmidctl.jar}:
 * 3 trials of SIGKILL under 3 concurrent devices, on a MapDB hub (once with the server's default checkpoints,
 * once with a checkpoint after every 4 KiB of journal, so that kills land during checkpoints and restarts
 * recover from them), and on two PostgreSQL nodes (more with
 * {@code -Dplasmid.torture.trials=N}; another schedule with {@code -Dplasmid.torture.seed=S}; the fixed
 * seed by default, so the schedule is the same every run). Fails on any loss, partial push, gap,
 * divergence or other error; on MapDB also unless {@code plasmidctl --verify} finds the hub clean at the end.
 */
class CrashTortureIT {
    private static final Pattern TOTAL = Pattern.compile(
            "total: (\\d+) trials, (\\d+) pushes acknowledged, (\\d+) lost, (\\d+) partial, (\\d+) gaps, (\\d+) diverged;");
    private static final long SEED = Long.getLong("plasmid.torture.seed", 8414054957257674722L);

    private static final Pattern CHECKPOINTS = Pattern.compile("checkpoints recorded by the servers: (\\d+)");

    @Test
    void killNineUnderConcurrentDevices_losesNoAcknowledgedPush_leavesNoPartialOne_andTheDevicesConverge() {
        String table = torture();
        assertTrue(table.contains("plasmidctl --verify after the last stop: No damage found in hub "), table);
    }

    @Test
    void killNineWithCheckpointsForcedFrequent_losesNothing_andLeavesAHubThatVerifiesClean() {
        String table = torture("--checkpoint-every", "4KiB");
        assertTrue(table.contains(", a checkpoint every 4KiB of journal\n"), table);
        Matcher checkpoints = CHECKPOINTS.matcher(table);
        assertTrue(checkpoints.find() && Long.parseLong(checkpoints.group(1)) > 0, "checkpoints were recorded\n"
                + table);
        assertTrue(table.contains("plasmidctl --verify after the last stop: No damage found in hub "), table);
    }

    @Test
    void killNineOfOneOfTwoNodesOnPostgres_losesNothing_whileTheOtherServesOn() throws Exception {
        try (TestPostgres pg = TestPostgres.freshSchema()) {
            torture("--jdbc-url", pg.url());
        }
    }

    private static String torture(String... more) {
        int trials = Integer.getInteger("plasmid.torture.trials", 3);
        List<String> args = new ArrayList<>(List.of("--trials", Integer.toString(trials), "--devices", "3",
                "--seed", Long.toString(SEED), "--jar", System.getProperty("plasmidctl.jar")));
        args.addAll(List.of(more));
        CapturedRun run = CapturedRun.of(CrashTorture::run, args.toArray(String[]::new));
        int exit = run.exit();
        String table = run.out() + run.err();
        System.out.print(table);

        Matcher total = TOTAL.matcher(table);
        assertTrue(total.find(), table);
        assertEquals(Integer.toString(trials), total.group(1), table);
        assertEquals("0", total.group(3), "lost\n" + table);
        assertEquals("0", total.group(4), "partial\n" + table);
        assertEquals("0", total.group(5), "gaps\n" + table);
        assertEquals("0", total.group(6), "diverged\n" + table);
        assertTrue(Long.parseLong(total.group(2)) > trials, "pushes were acknowledged\n" + table);
        assertTrue(table.contains("PASS (seed " + SEED + ")"), table);
        assertEquals(CrashTorture.OK, exit, table);
        return table;
    }
}
