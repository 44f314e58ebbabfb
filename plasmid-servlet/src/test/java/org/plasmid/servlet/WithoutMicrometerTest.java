package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: library users without it pay nothing and need nothing. Proved twice: by a JVM
 * whose class path omits it, where the engine and the servlet serve every kind of request; and by
 * construction, only the two binders (and their inner classes) of the main sources refer to it, and
 * nothing refers to the binders.
 */
class WithoutMicrometerTest {
    @Test
    void theEngineAndTheServlet_serve_inAJvmWithoutMicrometer() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            boolean metrics = entry.contains("micrometer") || entry.contains("HdrHistogram")
                    || entry.contains("LatencyUtils");
            (metrics ? dropped : kept).add(entry);
        }
        assertFalse(dropped.isEmpty(), "the test class path has Micrometer to leave out: " + classPath);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, kept), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                WithoutMicrometerMain.class.getName()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("OK"), out);
    }

    @Test
    void onlyTheBinders_referToMicrometer_andNothingReferstoTheBinders() throws IOException {
        List<String> refer = new ArrayList<>();
        List<String> binderUsers = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../plasmid-core/src/main/java"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
                    String text = Files.readString(f);
                    String name = f.getFileName().toString();
                    if (text.contains("io.micrometer")) {
                        refer.add(name);
                    }
                    boolean binder = name.equals("PlasmidHubMetrics.java") || name.equals("PlasmidServletMetrics.java");
                    if (!binder && Arrays.stream(text.split("\n")).filter(l -> !l.trim().startsWith("*") && !l.trim().startsWith("/**"))
                            .anyMatch(l -> l.contains("PlasmidHubMetrics") || l.contains("PlasmidServletMetrics"))) {
                        binderUsers.add(name);
                    }
                }
            }
        }
        refer.sort(null);
        assertEquals(List.of("PlasmidHubMetrics.java", "PlasmidServletMetrics.java"), refer);
        assertEquals(List.of(), binderUsers, "code outside the binders would load them, and Micrometer with them");
    }
}
