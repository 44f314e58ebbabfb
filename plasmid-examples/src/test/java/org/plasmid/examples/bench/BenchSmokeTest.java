package org.plasmid.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.plasmid.examples.client.SyncClient;

/**
 * The benchmark in its quick configuration, over HTTP and into the engine: every workload runs to the
 * end (each checks the object counts it reads back) and the report names every figure. No timing is
 * asserted.
 */
class BenchSmokeTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Bench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private JsonNode runBench(String... args) throws Exception {
        Run r = run(args);
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
        assertTrue(r.get("W2").has("paged_1000_objects_per_s"));
        assertTrue(r.get("W3").has("ratio_large_to_small"));
        assertTrue(r.get("W4").has("shared_db_conflicts"));
        assertTrue(r.get("W4").get("shared_db_cpu_ms_per_1000_objects").asDouble() > 0);
        assertEquals(0, r.get("W4").get("shared_db_pulls").asInt(),
                "W4b's writers catch up from the missed changes a refusal carries, never by pulling");
        assertTrue(r.get("W5").get("disk_fsync_appends_per_s").asDouble() > 0);
        assertEquals(Workloads.Sizes.QUICK.w6Objects(), r.get("W6").get("objects").asInt());
    }

    @Test
    void quickRun_intoTheEngine_completes() throws Exception {
        JsonNode r = runBench("--quick", "--runs", "2", "--engine", "--workloads", "W1,W2,W3,W5", "--dir", dir.toString());
        assertEquals("engine", r.get("mode").asText());
        assertEquals(2, r.get("runs").asInt());
        assertEquals(4, r.get("results").size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--workloads W2           | W2 pulls what W1 pushed: add W1",
        "--workloads W1,W9        | unknown workload W9 (use W1,W2,W3,W4,W5,W6)",
        "--url http://x/v1/       | --url needs --access and --secret",
        "--url http://x/v1/ --access a --secret s --engine | --url and --engine exclude each other",
        "--runs 0                 | --runs needs a whole number from 1 to 1000, got 0",
        "--frobnicate             | unknown option '--frobnicate'",
        "--enigne                 | unknown option '--enigne'; did you mean --engine?",
    })
    void badOptions_areRefusedInOneLine_withExitCode2(String args, String message) {
        Run r = run(args.trim().split("\\s+"));
        assertEquals(2, r.exit(), r.toString());
        assertEquals("Bench: " + message + " (see --help)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void help_isPrinted_andExits0() {
        Run r = run("--help");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Usage: java [-Xmx256m] -cp plasmidctl.jar org.plasmid.examples.bench.Bench"), r.out());
    }
}
