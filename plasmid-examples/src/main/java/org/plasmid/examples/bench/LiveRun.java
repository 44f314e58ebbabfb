package org.plasmid.examples.bench;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.plasmid.examples.tools.Trees;
import org.plasmid.servlet.PlasmidServletOptions;

/**
 * W7 as the command line set it up: its sizes, and which server it loads (one the benchmark starts in this
 * JVM or as a plasmidctl process, with these servlet options; or the one at {@code --url}).
 *
 * @param options the devices, pushes and storm
 * @param servletOptions {@code NAME=VALUE} options of the server the benchmark starts (checked)
 * @param serverJar plasmidctl's jar, to run the server as a separate process; null: in this JVM
 * @param serverJvmOptions the JVM options of that process
 * @param serverPid with {@code --url}: the server's process id, or -1
 * @param metricsUrl with {@code --url}: the server's Prometheus page, or null
 */
record LiveRun(LiveDevices.Options options, List<String> servletOptions, Path serverJar, List<String> serverJvmOptions,
        long serverPid, URI metricsUrl) {
    /**
     * Starts (or reaches) the server, runs W7 and stops what it started.
     *
     * @return W7's figures, and the storm's
     */
    Map<String, Map<String, Double>> run(Bench.Options o, long seed, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory(o.dir(), "plasmid-bench-w7-");
        try (LiveServer server = open(o, dir)) {
            return LiveDevices.run(options, server, out, seed);
        } finally {
            Trees.delete(dir);
        }
    }

    private LiveServer open(Bench.Options o, Path dir) throws Exception {
        if (o.url() != null) {
            return LiveServer.external(o.url().get(0), o.access(), o.secret(), serverPid, metricsUrl);
        }
        if (serverJar != null) {
            return LiveServer.child(serverJar, dir, serverJvmOptions, servletOptions);
        }
        // as plasmidctl: the options given, and no servlet access log unless asked for
        PlasmidServletOptions.Builder b = PlasmidServletOptions.builder();
        boolean requestLog = false;
        for (String option : servletOptions) {
            int eq = option.indexOf('=');
            String name = option.substring(0, eq).trim();
            b.initParam(name, option.substring(eq + 1));
            requestLog |= name.equals("request-log");
        }
        if (!requestLog) {
            b.requestLog(false);
        }
        return LiveServer.embedded(dir, b.build());
    }
}
