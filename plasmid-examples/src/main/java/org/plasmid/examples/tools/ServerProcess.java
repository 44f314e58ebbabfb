package org.plasmid.examples.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code plasmidctl.jar} server running as a child process ({@code java -jar plasmidctl.jar ...}),
 * as the crash torture and the end-to-end tests drive it: started, waited for until it logs that it
 * serves, then stopped with SIGTERM or killed with SIGKILL. Its stderr (the server log) is read all the
 * time, so the child never blocks on a full pipe; the most recent part of it is kept for error reports.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile(
            "Plasmid Sync serving (hub (\\S+)|PostgreSQL \\S+) at (\\S+) \\(API (https?://\\S+/plasmid/v1/)\\)");
    /** The log kept in memory: the most recent characters, so that a long run cannot exhaust the heap. */
    private static final int LOG_CHARS = 4 << 20;

    private final Process process;
    private final StringBuilder log = new StringBuilder();
    private final CompletableFuture<Matcher> serving = new CompletableFuture<>();
    private final Thread reader;
    private final long launchedNanos = System.nanoTime();
    private volatile long servingNanos;

    private ServerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::readLog, "plasmidctl-log-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Launches {@code java <jvmOptions> -jar <jar> <args>} in {@code workDir} and waits until it serves.
     *
     * @param jar the plasmidctl jar
     * @param workDir the child's working directory
     * @param jvmOptions options for the child JVM, before {@code -jar}
     * @param args plasmidctl's arguments (for example {@code --port 0 -p hub})
     * @param startTimeout how long to wait for the serving log line
     * @return the serving process
     * @throws IOException if it cannot be launched, exits, or does not serve in time (it is killed then);
     *     the message holds what it logged
     */
    public static ServerProcess start(Path jar, Path workDir, List<String> jvmOptions, List<String> args,
            Duration startTimeout) throws IOException {
        return start(jar, workDir, jvmOptions, args, startTimeout, java.util.Map.of());
    }

    /**
     * As {@link #start(Path, Path, List, List, Duration)}, with variables added to the child's environment
     * (such as the keystore password of {@code --tls-keystore}).
     *
     * @param environment variables to set in the child's environment
     */
    public static ServerProcess start(Path jar, Path workDir, List<String> jvmOptions, List<String> args,
            Duration startTimeout, java.util.Map<String, String> environment) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("there is no plasmidctl jar at " + jar.toAbsolutePath()
                    + " (build it with mvn package, or name it with --jar)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process p = builder.start();
        p.getOutputStream().close();
        ServerProcess server = new ServerProcess(p);
        server.awaitServing(startTimeout);
        return server;
    }

    /**
     * Runs a plasmidctl admin command ({@code java -jar plasmidctl.jar <args>}) to completion.
     *
     * @param jar the plasmidctl jar
     * @param workDir the working directory
     * @param args the command, for example {@code -p hub --set-secret alice s3cret}
     * @return what it printed on stdout
     * @throws IOException if it cannot run, does not finish within a minute, or exits other than 0
     */
    public static String admin(Path jar, Path workDir, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("plasmidctl " + String.join(" ", args) + " did not finish within 60 s");
            }
            String out = output.get(10, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new IOException("plasmidctl " + String.join(" ", args) + " exited with " + p.exitValue() + ":\n" + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read plasmidctl's output", e);
        }
    }

    private void readLog() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (log) {
                    log.append(line).append('\n');
                    if (log.length() > LOG_CHARS) {
                        log.delete(0, log.length() - LOG_CHARS / 2);
                    }
                }
                if (!serving.isDone()) {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        servingNanos = System.nanoTime();
                        serving.complete(m);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; whoever waits for it sees its exit
        }
        serving.completeExceptionally(new IOException("plasmidctl exited without serving:\n" + log()));
    }

    private void awaitServing(Duration timeout) throws IOException {
        try {
            serving.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            kill();
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            kill();
            throw new IOException("plasmidctl did not serve within " + timeout.toSeconds() + " s:\n" + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IOException("interrupted while plasmidctl was starting", e);
        }
    }

    /** @return the hub directory it logged (a MapDB hub; a node on PostgreSQL has none) */
    public Path hub() {
        String dir = serving.join().group(2);
        if (dir == null) {
            throw new IllegalStateException("this server serves PostgreSQL, not a hub directory");
        }
        return Path.of(dir);
    }

    /** @return the API base URL it logged, such as {@code http://127.0.0.1:41234/plasmid/v1/} */
    public URI api() {
        return URI.create(serving.join().group(4));
    }

    /** @return the port it listens on */
    public int port() {
        return api().getPort();
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /** @return milliseconds from launching the JVM until it logged that it serves */
    public long startMillis() {
        return TimeUnit.NANOSECONDS.toMillis(servingNanos - launchedNanos);
    }

    /** @return the most recent part of what it has logged */
    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** @return whether the process is still running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGKILL ({@code kill -9}), as a crash or the OOM killer ends a process, and waits until it is gone.
     * The log stays readable: the kill goes through the process handle, since {@code Process.destroyForcibly}
     * would also close our end of the child's stderr and drop what it logged last.
     */
    public void kill() {
        process.toHandle().destroyForcibly();
        waitForExit(Duration.ofSeconds(60));
    }

    /**
     * SIGTERM (what {@code kill PID}, systemd and Docker send) and waits for the process to end.
     *
     * @param timeout how long to wait before giving up (the process is then killed)
     * @return its exit code
     * @throws IOException if it did not stop in time
     */
    public int terminate(Duration timeout) throws IOException {
        process.toHandle().destroy();
        if (!waitForExit(timeout)) {
            kill();
            throw new IOException("plasmidctl did not stop within " + timeout.toSeconds() + " s of SIGTERM:\n" + log());
        }
        return process.exitValue();
    }

    private boolean waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            reader.join(TimeUnit.SECONDS.toMillis(10)); // the last lines it logged
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the process if it is still running (after a failure). */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
