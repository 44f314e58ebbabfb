package org.plasmid.examples.tools.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.ManifestVersion;
import org.plasmid.examples.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures, between two nodes that serve one hub (plasmidctl with the same {@code --jdbc-url}): how long
 * after a push on node A is acknowledged a long-poll held on node B answers with it, and how long after
 * a revocation on A node B refuses the revoked token. Prints p50, p99 and the maximum of each.
 *
 * <pre>java -cp plasmidctl.jar org.plasmid.examples.tools.nodes.CrossNodeLatency --url A,B --access admin --secret S</pre>
 */
@Command(name = "CrossNodeLatency", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {"", "Measures how fast a push on node A reaches a long-poll held on node B, and how fast a "
                + "revocation made on A reaches B. The nodes share one hub (plasmidctl --jdbc-url)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:measured", "1:a measurement failed (a poll not answered, a revocation not seen in 30 s)",
            "2:bad usage"})
public final class CrossNodeLatency implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "A,B", split = ",", required = true,
            description = "the API bases of the two nodes, e.g. http://127.0.0.1:8880/plasmid/v1/,"
                    + "http://127.0.0.1:8881/plasmid/v1/")
    List<URI> nodes;

    @Option(names = "--access", paramLabel = "A", required = true,
            description = "an administrator's access token (it creates a test account and revokes its grant)")
    String access;

    @Option(names = "--secret", paramLabel = "S", required = true, description = "its secret")
    String secret;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "50", description = "measurements of each kind "
            + "(default: ${DEFAULT-VALUE})")
    int rounds;

    private final PrintStream out;

    private CrossNodeLatency(PrintStream out) {
        this.out = out;
    }

    /**
     * @param out where the figures go
     * @return the tool, for {@link Cli#execute}
     */
    public static CrossNodeLatency printingTo(PrintStream out) {
        return new CrossNodeLatency(out);
    }

    public static void main(String[] args) {
        System.exit(Cli.execute(new CrossNodeLatency(System.out), args, System.out, System.err));
    }

    @Override
    public Integer call() throws Exception {
        if (nodes.size() != 2) {
            throw new IllegalArgumentException("--url takes exactly two nodes, got " + nodes.size());
        }
        SyncClient a = new SyncClient(nodes.get(0), access, secret);
        SyncClient b = new SyncClient(nodes.get(1), access, secret);
        String db = "xnode-" + UUID.randomUUID().toString().substring(0, 8);
        List<Double> wake = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long rev = b.info(db).body().get("revision").asLong();
            CompletableFuture<SyncClient.Response> poll = CompletableFuture.supplyAsync(() -> b.pull(db, rev, 0, 25));
            TimeUnit.MILLISECONDS.sleep(150); // the poll is held on B by now (the push must not overtake it)
            ObjectNode data = SyncClient.JSON.createObjectNode();
            data.putObject("s").put("k", i);
            SyncClient.Response pushed = a.push(db, rev, data, null);
            long acked = System.nanoTime();
            if (!pushed.ok()) {
                throw new IllegalStateException("push on A failed: " + pushed);
            }
            SyncClient.Response answered = poll.get(30, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - acked) / 1e6;
            if (answered.body().get("updates").isEmpty()) {
                throw new IllegalStateException("the poll on B ended without the push made on A");
            }
            wake.add(ms);
        }
        report("push on A -> long-poll on B answers", wake);

        String user = "xnode-" + UUID.randomUUID().toString().substring(0, 8);
        SyncClient.Response made = a.createCredentials(user, "xnode-secret-" + UUID.randomUUID(), false);
        if (!made.ok()) {
            throw new IllegalStateException("cannot create the test account: " + made);
        }
        SyncClient asUser = new SyncClient(nodes.get(1), user, made.body().get("success").get("secret").asText());
        List<Double> revoke = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            a.post("a/" + user, "{\"permission\": \"ReadDatabase\", \"resource\": \"" + db + "\", \"value\": \"Yes\"}");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (asUser.info(db).status() != 200) {
                check(deadline, "the grant made on A did not reach B in 30 s");
            }
            a.send("DELETE", "a/" + user + "/ReadDatabase/" + db, null);
            long revoked = System.nanoTime();
            while (asUser.info(db).status() != 403) {
                check(deadline, "the revocation made on A did not reach B in 30 s");
            }
            revoke.add((System.nanoTime() - revoked) / 1e6);
        }
        report("revocation on A -> refused on B", revoke);
        return Cli.OK;
    }

    private static void check(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(what);
        }
    }

    private void report(String what, List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        out.printf("%-40s n=%d  p50 %.1f ms  p99 %.1f ms  max %.1f ms%n", what, sorted.size(),
                at(sorted, 0.50), at(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
