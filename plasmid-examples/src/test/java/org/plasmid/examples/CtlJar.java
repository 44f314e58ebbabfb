package org.plasmid.examples;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.plasmid.examples.tools.ServerProcess;

/**
 * Runs the real {@code target/plasmidctl.jar} as a child process, the way a newcomer does:
 * {@code java -jar plasmidctl.jar ...} in a working directory. Shared by the end-to-end tests of every
 * package. (It was {@code Plasmidctl}, a case-only twin of {@code PlasmidCtl}; the API is unchanged.)
 */
public final class CtlJar {
    private static final long TIMEOUT_SECONDS = 60;

    private CtlJar() {
    }

    /** What a finished run printed, and how it exited. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The jar that {@code mvn package} built; failsafe passes its path. */
    public static Path jar() {
        String path = System.getProperty("plasmidctl.jar");
        if (path == null) {
            throw new IllegalStateException("system property plasmidctl.jar is not set: run this test with mvn verify");
        }
        Path jar = Path.of(path);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: run mvn package first");
        }
        return jar;
    }

    private static ProcessBuilder command(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:TieredStopAtLevel=1"); // starts faster; these runs are short
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }

    /** Runs an admin command to completion. */
    public static Result run(Path workDir, String... args) throws Exception {
        return run(Map.of(), workDir, args);
    }

    /** Runs plasmidctl to completion with variables added to its environment. */
    public static Result run(Map<String, String> environment, Path workDir, String... args) throws Exception {
        ProcessBuilder builder = command(workDir, args);
        builder.environment().putAll(environment);
        Process p = builder.start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("plasmidctl " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Starts the server and waits until it logs that it is serving. */
    public static Server serve(Path workDir, String... args) throws Exception {
        return serve(Map.of(), workDir, args);
    }

    /** Starts the server with variables added to its environment, and waits until it logs that it is serving. */
    public static Server serve(Map<String, String> environment, Path workDir, String... args) throws Exception {
        try {
            return new Server(ServerProcess.start(jar(), workDir, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"),
                    List.of(args), Duration.ofSeconds(TIMEOUT_SECONDS), environment));
        } catch (IOException e) {
            throw new AssertionError("plasmidctl did not start serving: " + e.getMessage(), e);
        }
    }

    /** A running server process and everything it has logged (a {@link ServerProcess}, as tests use it). */
    public static final class Server implements AutoCloseable {
        private final ServerProcess process;

        private Server(ServerProcess process) {
            this.process = process;
        }

        /** @return the hub directory it logged */
        public Path hub() {
            return process.hub();
        }

        /** @return the API base URL it logged, such as {@code http://127.0.0.1:41234/plasmid/v1/} */
        public URI api() {
            return process.api();
        }

        /** @return what it has logged so far */
        public String log() {
            return process.log();
        }

        /**
         * Sends SIGTERM (what {@code kill PID}, systemd and Docker send) and waits for the process to end.
         *
         * @return its exit code
         */
        public int terminate() throws Exception {
            try {
                return process.terminate(Duration.ofSeconds(TIMEOUT_SECONDS));
            } catch (IOException e) {
                throw new AssertionError(e.getMessage(), e);
            }
        }

        /** Kills the process if a test left it running (after a failure). */
        @Override
        public void close() {
            process.close();
        }
    }
}
