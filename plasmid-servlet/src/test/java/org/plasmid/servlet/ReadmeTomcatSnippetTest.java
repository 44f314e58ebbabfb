package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.PlasmidHub;

/**
 * The README's embedded Tomcat snippet is the code that runs here: it is read from README.md, compiled as
 * it stands (its imports too) and run, with only its port, and the paths of its hub and of Tomcat's base
 * directory, swapped for a free port and temporary directories. Between its start and its shutdown the
 * test uses the API at the snippet's mount and holds a long-poll; the snippet's shutdown must answer that
 * poll, stop without waiting for it, and leave Tomcat's leak detection nothing to warn about.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReadmeTomcatSnippetTest {
    private static final String HEADING = "### Tomcat";
    private static final String SHUTDOWN = "// ... on shutdown:";
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(Level.WARNING); // its INFO lines (starting, stopping) would fill the test output
    }

    @TempDir
    Path dir;

    /** The snippet: its import lines, what runs at start, what runs on shutdown. */
    record Snippet(List<String> imports, String start, String shutdown) {
    }

    static Snippet readmeSnippet() throws IOException {
        Path readme = Path.of("").toAbsolutePath().getParent().resolve("README.md"); // tests run in the module
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int heading = text.indexOf("\n" + HEADING);
        assertTrue(heading >= 0, "README.md has no section " + HEADING);
        int open = text.indexOf("```java\n", heading);
        int close = text.indexOf("\n```", open + 8);
        List<String> imports = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String line : text.substring(open + 8, close).split("\n", -1)) {
            if (line.startsWith("import ")) {
                imports.add(line);
            } else {
                body.append(line).append('\n');
            }
        }
        String code = body.toString();
        int split = code.indexOf(SHUTDOWN);
        assertTrue(split >= 0, "the snippet marks its shutdown with " + SHUTDOWN);
        return new Snippet(imports, code.substring(0, split), code.substring(split + SHUTDOWN.length()));
    }

    /** Replaces {@code literal}, which must occur exactly once, so that the test fails if the README changes it. */
    private static String swap(String code, String literal, String replacement) {
        int at = code.indexOf(literal);
        assertTrue(at >= 0 && code.indexOf(literal, at + 1) < 0, "the snippet has " + literal + " exactly once");
        return code.replace(literal, replacement);
    }

    /** Compiles the snippet into a class whose {@code run} starts it, calls back, then shuts it down. */
    private Method compile(Snippet snippet) throws Exception {
        String start = swap(swap(swap(snippet.start(), "Path.of(\"/var/lib/myapp/hub\")",
                "Path.of(\"" + dir.resolve("hub") + "\")"), "\"/var/lib/myapp/tomcat\"",
                "\"" + dir.resolve("tomcat") + "\""), "setPort(8080)", "setPort(0)");
        String source = "package readme;\n" + String.join("\n", snippet.imports()) + "\n"
                + "public final class TomcatSnippet {\n"
                + "  public static void run(java.util.function.Consumer<java.util.Map<String, Object>> whileServing)"
                + " throws Exception {\n"
                + start
                + "    whileServing.accept(java.util.Map.of(\"hub\", hub, \"servlet\", servlet, \"tomcat\", tomcat,"
                + " \"context\", context));\n"
                + snippet.shutdown()
                + "  }\n}\n";
        Path src = Files.createDirectories(dir.resolve("src/readme")).resolve("TomcatSnippet.java");
        Files.writeString(src, source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests run on a JDK");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "-proc:none", "-Xlint:all", src.toString());
        assertEquals(0, status, "the README's snippet does not compile:\n" + source
                + diagnostics.toString(StandardCharsets.UTF_8));
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass("readme.TomcatSnippet").getMethod("run", Consumer.class);
    }

    @Test
    void theReadmesTomcatSnippet_serves_andShutsDownWithoutWaitingForAHeldPoll() throws Throwable {
        Method run = compile(readmeSnippet());
        Container.WarningLog warnings = new Container.WarningLog(Container.WarningLog.LEAK_DETECTION);
        TOMCAT_LOG.addHandler(warnings);
        ExecutorService clients = Executors.newCachedThreadPool();
        List<Future<RawHttp.Response>> poll = new ArrayList<>();
        long[] shutdownStart = new long[1];
        ClassLoader[] webapp = new ClassLoader[1];
        try {
            run.invoke(null, (Consumer<Map<String, Object>>) vars -> {
                PlasmidHub hub = (PlasmidHub) vars.get("hub");
                PlasmidServlet servlet = (PlasmidServlet) vars.get("servlet");
                Tomcat tomcat = (Tomcat) vars.get("tomcat");
                StandardContext context = (StandardContext) vars.get("context");
                // a stop that waited for the held poll would now wait out its whole wait (25 s), not Tomcat's
                // default 2 s: unmistakable, even on a slow machine
                context.setUnloadDelay(60_000);
                webapp[0] = context.getLoader().getClassLoader();
                hub.accounts().setSecret("admin", "admin-secret");
                hub.accounts().grant("admin", "*", "*", "Yes");
                String admin = TestServer.basic("admin", "admin-secret");
                RawHttp http = new RawHttp(tomcat.getConnector().getLocalPort(), null, 30_000, false);
                try {
                    RawHttp.Response pushed = http.send(new RawHttp.Request("POST", "/plasmid/v1/d/notes/update/")
                            .header("Authorization", admin)
                            .body("{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}"
                                    .getBytes(StandardCharsets.UTF_8)));
                    assertEquals("{\"saved\":1,\"revision\":2}", pushed.text(), pushed.toString());
                    byte[] longPoll = new RawHttp.Request("GET", "/plasmid/v1/d/notes/update/2?wait=60")
                            .header("Authorization", admin).end();
                    poll.add(clients.submit(() -> http.send(longPoll)));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (servlet.heldPolls() == 0) {
                        assertTrue(System.nanoTime() < deadline, "the poll is held");
                        Thread.sleep(10);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                shutdownStart[0] = System.nanoTime();
            });
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            TOMCAT_LOG.removeHandler(warnings);
            clients.shutdownNow();
        }
        long shutdownMillis = (System.nanoTime() - shutdownStart[0]) / 1_000_000;
        RawHttp.Response answered = poll.get(0).get(30, TimeUnit.SECONDS);
        assertEquals(200, answered.status(), answered.toString());
        assertEquals("{\"since\":2,\"updates\":[],\"until\":2}", answered.text());
        assertTrue(shutdownMillis < 10_000, "the shutdown took " + shutdownMillis + " ms");
        assertEquals(List.of(), warnings.records().stream().map(r -> r.getLoggerName() + ": " + r.getMessage())
                .toList(), "Tomcat's leak warnings");
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getContextClassLoader() == webapp[0]).map(Thread::getName).toList(),
                "threads left with the web application's class loader");
    }
}
