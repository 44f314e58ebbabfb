package org.plasmid.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.plasmid.examples.client.SyncClient;

/**
 * The benchmark in its quick configuration, over HTTP and into the engine: every workload runs to the
 * end (each checks the object counts it reads back) and the report names every figure. No timing is
 * asserted.
 */
class BenchSmokeTest {
    @TempDir
    Path dir;

    private JsonNode runBench(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Bench.Options o = Bench.parse(args);
        assertTrue(Bench.run(o, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        String out = bytes.toString(StandardCharsets.UTF_8);
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

    @Test
    void badOptions_areRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--workloads", "W2"}));
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--workloads", "W9"}));
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--url", "http://x/v1/"}));
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--runs", "0"}));
        assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--frobnicate"}));
    }
}
