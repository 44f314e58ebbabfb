package org.plasmid.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.plasmid.examples.cli.CapturedRun;
import org.plasmid.examples.client.SyncClient;

/**
 * The benchmark in its quick configuration, over HTTP and into the engine: every workload runs to the
 * end (each checks the object counts it reads back) and the report names every figure. No timing is
 * asserted.
 */
class BenchSmokeTest {
    @TempDir
    Path dir;

    private static CapturedRun run(String... args) {
        return CapturedRun.of(Bench::run, args);
    }

    private JsonNode runBench(String... args) throws Exception {
        CapturedRun r = run(args);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err());
        String out = r.out();
        String line = out.lines().filter(l -> l.startsWith("BENCH ")).findFirst().orElseThrow(() -> new AssertionError(out));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "temporary hubs are removed");
        }
        return SyncClient.JSON.readTree(line.substring(6));
    }

    @Test
    void quickRun_overHttp_completesEveryWorkload_andReportsEveryFigure() throws Exception {
        JsonNode r = runBench("--quick", "--runs", "1", "--dir", dir.toString()).get("results");
        for (String w : Bench.ALL) {
            assertTrue(r.has(w), w);
        }
        assertTrue(r.get("W1").get("objects_per_s").asDouble() > 0);
        assertTrue(r.get("W1").get("cpu_ms_per_1000_objects").asDouble() > 0);
        assertTrue(r.get("W4").get("own_db_cpu_ms_per_1000_objects").asDouble() > 0);
        assertTrue(r.get("W2").has("paged_1000_objects_per_s"));
        assertTrue(r.get("W3").has("ratio_large_to_small"));
        assertTrue(r.get("W4").has("shared_db_conflicts"));
        assertTrue(r.get("W4").get("shared_db_cpu_ms_per_1000_objects").asDouble() > 0);
        assertEquals(0, r.get("W4").get("shared_db_pulls").asInt(),
                "W4b's writers catch up from the missed changes a refusal carries, never by pulling");
        assertTrue(r.get("W4").get("shared_db_one_writer_objects_per_s").asDouble() > 0);
        assertTrue(r.get("W4").get("shared_db_to_one_writer").asDouble() > 0);
        assertTrue(r.get("W5").get("disk_fsync_appends_per_s").asDouble() > 0);
        assertEquals(Workloads.Sizes.QUICK.w6Objects(), r.get("W6").get("objects").asInt());
    }

    @Test
    void quickW7_liveDevicesAndTheStorm_complete_withoutErrors_everyPushSeenByTheOtherDevice() throws Exception {
        JsonNode r = runBench("--quick", "--runs", "1", "--workloads", "W7", "--storm", "--dir", dir.toString())
                .get("results");
        LiveDevices.Options quick = LiveDevices.Options.QUICK;
        int devices = quick.devices();
        JsonNode w7 = r.get("W7");
        assertEquals(devices, w7.get("devices").asInt(), w7::toString);
        assertEquals(devices, w7.get("held_polls").asInt(), w7::toString);
        assertEquals(0, w7.get("errors").asInt(), w7::toString);
        int pushes = w7.get("pushes").asInt();
        assertEquals(quick.rate() * quick.duration().toSeconds(), pushes + w7.get("pushes_skipped_pair_busy").asInt(),
                w7::toString);
        assertTrue(pushes > 0, w7::toString);
        assertEquals(pushes, w7.get("pushes_seen_by_other").asInt(), "every push reached the pair's other device");
        assertEquals(0, w7.get("pushes_not_seen_by_other").asInt(), w7::toString);
        for (String figure : new String[] {"push_to_other_p50_ms", "push_to_other_p99_ms", "push_to_other_max_ms",
            "push_p50_ms", "push_p99_ms", "server_cpu_s_per_1000_requests", "server_heap_after_gc_mib",
            "heap_per_held_poll_kib", "server_rss_mib", "rss_per_held_poll_kib"}) {
            assertTrue(w7.has(figure), figure + " in " + w7);
        }
        JsonNode storm = r.get("W7storm");
        assertEquals(1, storm.get("real_restart").asInt(), "in this JVM the hub is closed and opened again");
        assertEquals(devices, storm.get("held_polls").asInt(), storm::toString);
        assertTrue(storm.has("all_polls_held_s"), storm::toString);
        assertEquals(0, storm.get("errors").asInt(), storm::toString);
    }

    @Test
    void quickRun_intoTheEngine_completes() throws Exception {
        JsonNode r = runBench("--quick", "--runs", "2", "--engine", "--workloads", "W1,W2,W3,W5", "--dir", dir.toString());
        assertEquals("engine", r.get("mode").asText());
        assertEquals(2, r.get("runs").asInt());
        assertEquals(0, r.get("warm_up_runs").asInt(), "--quick measures from the first run on");
        assertEquals(4, r.get("results").size());
    }

    @Test
    void warmUpRuns_runBeforeTheMeasuredOnes_andAreReported_butNotMeasured() throws Exception {
        CapturedRun r = run("--quick", "--runs", "1", "--warm-up-runs", "1", "--engine", "--workloads", "W1",
                "--dir", dir.toString());
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.lines().anyMatch(l -> l.matches("warm-up run 1 \\(not measured\\): the JIT compiled for \\d+ % of it")), out);
        assertTrue(out.indexOf("warm-up run 1") < out.indexOf("run 1 of 1"), out);
        assertTrue(out.contains("1 run after 1 warm-up run, median"), out);
        JsonNode json = SyncClient.JSON.readTree(out.lines().filter(l -> l.startsWith("BENCH ")).findFirst().orElseThrow()
                .substring(6));
        assertEquals(1, json.get("warm_up_runs").asInt());
        assertEquals(1, json.get("runs").asInt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--workloads W2           | W2 pulls what W1 pushed: add W1",
        "--workloads W1,W9        | unknown workload W9 (use W1,W2,W3,W4,W5,W6,W7)",
        "--devices 10             | the W7 options apply to W7: add it to --workloads",
        "--workloads W7 --engine  | W7 runs over HTTP, not with --engine",
        "--workloads W7 --devices 11 | devices come in pairs: --devices and --chosen-devices need even numbers",
        "--workloads W7 --devices 0  | --devices needs a whole number from 2 to 100000, got 0",
        "--workloads W7 --duration 500ms | --duration needs at least 1s, got 500ms",
        "--workloads W7 --server-pid 1 | --server-pid and --metrics-url describe the server at --url: give --url",
        "--workloads W7 --url http://x/v1/ --access a --secret s --servlet-option max-depth=9 | --server-jar, --servlet-option and --server-jvm-option set up a server the benchmark starts: not with --url (give the options to the server you run)",
        "--workloads W7 --servlet-option max-polls=1 | --servlet-option: unknown init-param 'max-polls' (known: max-body-bytes, max-value-bytes, max-objects-per-push, max-depth, min-body-bytes-per-second, body-rate-grace-seconds, body-deadline-seconds, max-held-polls, max-held-polls-per-access, max-held-polls-per-address, max-wait-seconds, cors-allowed-origins, auth-failures-per-access, auth-failures-per-address, auth-failure-window-seconds, auth-queue-seconds, guests-per-address, guest-window-seconds, outofdate-updates-bytes, ready-timeout-seconds, request-log)",
        "--workloads W7 --servlet-option max-held-polls-per-address=lots | --servlet-option: max-held-polls-per-address must be a whole number, got 'lots'",
        "--workloads W7 --server-jvm-option -Xmx1g | --server-jvm-option needs --server-jar",
        "--url http://x/v1/       | --url needs --access and --secret",
        "--url http://x/v1/ --access a --secret s --engine | --url and --engine exclude each other",
        "--runs 0                 | --runs needs a whole number from 1 to 1000, got 0",
        "--warm-up-runs -1        | --warm-up-runs needs a whole number from 0 to 1000, got -1",
        "--frobnicate             | unknown option '--frobnicate'",
        "--enigne                 | unknown option '--enigne'; did you mean --engine?",
    })
    void badOptions_areRefusedInOneLine_withExitCode2(String args, String message) {
        CapturedRun r = run(args.trim().split("\\s+"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("Bench: " + message + " (see --help)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void help_isPrinted_andExits0() {
        CapturedRun r = run("--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Usage: java [-Xmx256m] -cp plasmidctl.jar org.plasmid.examples.bench.Bench"), r.out());
    }
}
