package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls and clones stream: a database holding about 96 MB of values is read whole by a JVM with a
 * 48 MB heap, which could not hold it as a list.
 */
class StreamingMemoryTest {
    private static final int PUSHES = 60;
    private static final int PER_PUSH = 2000;
    private static final int VALUE_SIZE = 800;

    @TempDir
    Path dir;

    @Test
    void pullAndClone_ofADatabaseLargerThanTheHeap_streamWithoutRunningOutOfMemory() throws Exception {
        String pad = "x".repeat(VALUE_SIZE - 20);
        try (PlasmidHub hub = PlasmidHub.open(dir)) {
            long revision = 1;
            for (int p = 0; p < PUSHES; p++) {
                List<Change> changes = new ArrayList<>(PER_PUSH);
                for (int i = 0; i < PER_PUSH; i++) {
                    changes.add(Change.put("s", "k" + p + "-" + i, JsonValue.parse("{\"p\": \"" + pad + "\"}")));
                }
                revision = hub.push("big", revision, changes).revision();
            }
        }
        long total = (long) PUSHES * PER_PUSH;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-cp", System.getProperty("java.class.path"), StreamingReader.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        child.getInputStream().transferTo(out);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        String output = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        long bytes = total * (VALUE_SIZE - 20 + 9);
        assertTrue(bytes > 3 * 48L * 1024 * 1024 / 2, "the values alone are half as large again as the child's heap");
        assertTrue(output.contains("PULL " + total + " " + (PUSHES + 1) + " " + bytes), output);
        assertTrue(output.contains("CLONE " + total + " " + (PUSHES + 1) + " " + bytes), output);
    }
}
