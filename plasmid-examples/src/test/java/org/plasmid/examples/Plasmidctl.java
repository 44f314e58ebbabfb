package org.plasmid.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code target/plasmidctl.jar} as a child process, the way a newcomer does:
 * {@code java -jar plasmidctl.jar ...} in a working directory.
 */
final class Plasmidctl {
    private static final Pattern SERVING = Pattern.compile(
            "Plasmid Sync serving hub (\\S+) at (\\S+) \\(API (http://\\S+/plasmid/v1/)\\)");
    private static final long TIMEOUT_SECONDS = 60;

    private Plasmidctl() {
    }

    /** What a finished run printed, and how it exited. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** The jar that {@code mvn package} built; failsafe passes its path. */
    static Path jar() {
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
    static Result run(Path workDir, String... args) throws Exception {
        Process p = command(workDir, args).start();
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
    static Server serve(Path workDir, String... args) throws Exception {
        Process p = command(workDir, args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        Server server = new Server(p);
        server.awaitServing();
        return server;
    }

    /** A running server process and everything it has logged. */
    static final class Server implements AutoCloseable {
        private final Process process;
        private final StringBuffer log = new StringBuffer();
        private final CompletableFuture<Matcher> serving = new CompletableFuture<>();
        private final Thread reader;

        private Server(Process process) {
            this.process = process;
            this.reader = new Thread(this::readLog, "plasmidctl-log");
            reader.setDaemon(true);
            reader.start();
        }

        private void readLog() {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.append(line).append('\n');
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        serving.complete(m);
                    }
                }
            } catch (IOException e) {
                // the process is gone; its exit is checked by the test
            }
            serving.completeExceptionally(new AssertionError("plasmidctl stopped without serving:\n" + log));
        }

        private void awaitServing() throws Exception {
            try {
                serving.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                throw new AssertionError("plasmidctl did not start serving:\n" + log, e);
            }
        }

        /** @return the hub directory it logged */
        Path hub() {
            return Path.of(serving.join().group(1));
        }

        /** @return the API base URL it logged, such as {@code http://127.0.0.1:41234/plasmid/v1/} */
        URI api() {
            return URI.create(serving.join().group(3));
        }

        /** @return what it has logged so far */
        String log() {
            return log.toString();
        }

        /**
         * Sends SIGTERM (what {@code kill PID}, systemd and Docker send) and waits for the process to end.
         *
         * @return its exit code
         */
        int terminate() throws Exception {
            // SIGTERM, as Process.destroy() sends; but Process.destroy() also closes our end of the
            // child's stderr, and then the lines it logs while stopping would be lost.
            process.toHandle().destroy();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("plasmidctl did not stop on SIGTERM:\n" + log);
            }
            reader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            return process.exitValue();
        }

        /** Kills the process if a test left it running (after a failure). */
        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
