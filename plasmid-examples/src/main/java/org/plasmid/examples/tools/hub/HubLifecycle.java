package org.plasmid.examples.tools.hub;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.ManifestVersion;
import org.plasmid.examples.client.SyncClient;
import org.plasmid.examples.tools.ServerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the file hub's lifecycle against a real {@code plasmidctl.jar} server: pushes a volume of
 * data over HTTP (overwrites of a fixed set of keys, or distinct keys), then watches the hub directory's
 * size for a while after the load ends, then kills the server with SIGKILL and times its restart (from
 * launching the JVM to serving), against a fresh hub's start.
 *
 * <pre>java -cp plasmidctl.jar org.plasmid.examples.tools.hub.HubLifecycle --megabytes 200 --keys 1000</pre>
 */
@Command(name = "HubLifecycle", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {"", "Pushes data into a real plasmidctl server's file hub, watches the hub directory's size after"
                + " the load, then kills the server (SIGKILL) and times its restart."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:the server failed, or lost data over the restart", "2:bad usage"})
public final class HubLifecycle implements Callable<Integer> {
    private static final String ACCESS = "lifecycle";

    @Option(names = "--jar", paramLabel = "PATH", defaultValue = "plasmid-examples/target/plasmidctl.jar",
            description = "the server (default: ${DEFAULT-VALUE})")
    Path jar;

    @Option(names = "--megabytes", paramLabel = "MB", defaultValue = "200",
            description = "how much value data to push, in MB of 10^6 bytes (default: ${DEFAULT-VALUE})")
    long megabytes;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000",
            description = "distinct keys written, over and over (default: ${DEFAULT-VALUE}); as many as the volume "
                    + "holds makes every key new (live data)")
    int keys;

    @Option(names = "--value-bytes", paramLabel = "B", defaultValue = "500",
            description = "bytes per value (default: ${DEFAULT-VALUE})")
    int valueBytes;

    @Option(names = "--per-push", paramLabel = "N", defaultValue = "100",
            description = "objects per push (default: ${DEFAULT-VALUE})")
    int perPush;

    @Option(names = "--watch", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long to watch the directory after the load (default: ${DEFAULT-VALUE})")
    int watchSeconds;

    @Option(names = "--server-option", paramLabel = "ARG",
            description = "an argument passed to plasmidctl when serving, e.g. --server-option=--checkpoint-every=1MiB"
                    + " (repeatable)")
    List<String> serverOptions = new ArrayList<>();

    @Option(names = "--server-jvm", paramLabel = "OPT",
            description = "a JVM option for the server, e.g. --server-jvm=-Xmx256m (repeatable)")
    List<String> serverJvm = new ArrayList<>();

    private final PrintStream out;

    private HubLifecycle(PrintStream out) {
        this.out = out;
    }

    /**
     * @param out where the figures go
     * @return the tool, for {@link Cli#execute}
     */
    public static HubLifecycle printingTo(PrintStream out) {
        return new HubLifecycle(out);
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(new HubLifecycle(System.out), args, System.out, System.err));
    }

    @Override
    public Integer call() throws Exception {
        if (megabytes < 1 || keys < 1 || valueBytes < 1 || perPush < 1 || watchSeconds < 0) {
            throw new IllegalArgumentException("--megabytes, --keys, --value-bytes and --per-push must be positive");
        }
        Path work = Files.createTempDirectory("plasmid-lifecycle-");
        Path hub = work.resolve("hub");
        String secret = UUID.randomUUID().toString();
        ServerProcess.admin(jar, work, List.of("--hub-path", hub.toString(), "--set-secret", ACCESS, secret));
        ServerProcess.admin(jar, work, List.of("--hub-path", hub.toString(), "--grant-permission", ACCESS, "*", "*"));
        ServerProcess server = start(hub, 0);
        long freshStart = server.startMillis();
        out.printf("fresh hub: served %d ms after launch; hub %s%n", freshStart, hub);
        try {
            SyncClient client = new SyncClient(server.api(), ACCESS, secret);
            String db = "lifecycle";
            long objects = megabytes * 1_000_000L / valueBytes;
            String pad = "v".repeat(Math.max(0, valueBytes - 20));
            long revision = 1;
            long started = System.nanoTime();
            long done = 0;
            long nextReport = 0;
            while (done < objects) {
                ObjectNode data = SyncClient.JSON.createObjectNode();
                ObjectNode store = data.putObject("s");
                int n = (int) Math.min(perPush, objects - done);
                for (int i = 0; i < n; i++) {
                    long k = (done + i) % keys;
                    store.putObject("k" + k).put("n", done + i).put("pad", pad);
                }
                SyncClient.Response r = client.push(db, revision, data, null);
                if (!r.ok()) {
                    throw new IOException("push refused: " + r.status() + " " + r.body());
                }
                revision = r.body().get("revision").asLong();
                done += n;
                if (done >= nextReport) {
                    out.printf("  %,d of %,d objects pushed, hub %s%n", done, objects, mib(size(hub)));
                    nextReport += objects / 10;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long live = Math.min(keys, objects) * (long) valueBytes;
            out.printf("load: %,d objects (%d MB of values) in %.1f s (%,.0f objects/s); live data about %s%n",
                    objects, megabytes, seconds, objects / seconds, mib(live));
            long loadEnd = System.nanoTime();
            for (int s = 0; s <= watchSeconds; s += 5) {
                long wait = loadEnd + Duration.ofSeconds(s).toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                out.printf("  %3d s after the load: hub %s (journal %s, checkpoints %s, index %s)%n", s,
                        mib(size(hub)), mib(size(hub.resolve("journal"))), mib(size(hub.resolve("checkpoints"))),
                        mib(size(hub.resolve("index.mapdb"))));
            }
            server.kill();
            server = start(hub, server.port());
            out.printf("restart after kill -9: served %d ms after launch (a fresh hub: %d ms; difference %+d ms)%n",
                    server.startMillis(), freshStart, server.startMillis() - freshStart);
            server.log().lines().filter(l -> l.contains("rebuilt") || l.contains("not closed cleanly"))
                    .forEach(l -> out.println("  server: " + l.strip()));
            SyncClient again = new SyncClient(server.api(), ACCESS, secret);
            long head = again.info(db).body().get("revision").asLong();
            if (head != revision) {
                out.printf("LOST: the restarted server's head is %d, %d was acknowledged%n", head, revision);
                return 1;
            }
            out.printf("after the restart: head %d as acknowledged%n", head);
            return 0;
        } finally {
            server.close();
            deleteTree(work);
        }
    }

    private ServerProcess start(Path hub, int port) throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--hub-path", hub.toString()));
        args.addAll(serverOptions);
        return ServerProcess.start(jar, hub.getParent(), serverJvm, args, Duration.ofMinutes(10));
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static long size(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted by compaction meanwhile
                }
            }).sum();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
