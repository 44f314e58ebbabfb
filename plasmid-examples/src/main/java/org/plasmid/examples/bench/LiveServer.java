package org.plasmid.examples.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.server.PlasmidServer;
import org.plasmid.examples.tools.ServerProcess;
import org.plasmid.servlet.PlasmidServlet;
import org.plasmid.servlet.PlasmidServletMetrics;
import org.plasmid.servlet.PlasmidServletOptions;

/**
 * The server W7 loads, and how it restarts for the reconnect storm: in this JVM (the hub closed and
 * opened again, a new servlet), a plasmidctl child process (SIGTERM, then started again on the same hub
 * and port), or a server someone else runs ({@code --url}: the restart is simulated, connections are
 * dropped while the server keeps what it remembers of checked credentials). It also says how many polls
 * the server holds, when it can tell: the servlet's gauge {@value PlasmidServletMetrics#POLLS_HELD}.
 */
abstract class LiveServer implements AutoCloseable {
    /** @return the API base */
    abstract URI api();

    /** @return the {@code Authorization} of an account that may create accounts and grant */
    abstract String admin();

    /** @return what the server process costs (a child's changes at restart) */
    abstract ProcessMeter meter();

    /** @return the long-polls the server holds now, or -1 if it cannot tell */
    abstract int heldPolls();

    /**
     * @return how often to ask {@link #heldPolls()}: a gauge in this JVM costs nothing, a scrape of the
     *     server's whole Prometheus page costs it CPU (counted in its figures), so at most four a second
     */
    long heldPollsEveryMillis() {
        return 250;
    }

    /**
     * Restarts the server (or simulates a restart) and returns once it serves again.
     *
     * @return what kind of restart it was, for the report
     * @throws Exception if it does not serve again
     */
    abstract String restart() throws Exception;

    /** @return whether {@link #restart()} makes the server forget what it remembered */
    abstract boolean restartsForReal();

    @Override
    public abstract void close();

    /** A server in this JVM on a fresh hub in {@code dir}. */
    static LiveServer embedded(Path dir, PlasmidServletOptions options) throws Exception {
        return new Embedded(dir, options);
    }

    /** plasmidctl started as a child process on a fresh hub in {@code dir}. */
    static LiveServer child(Path jar, Path dir, List<String> jvmOptions, List<String> servletOptions)
            throws IOException {
        return new Child(jar, dir, jvmOptions, servletOptions);
    }

    /** A server run by someone else. */
    static LiveServer external(URI api, String access, String secret, long pid, URI metrics) {
        return new External(api, LiveHttp.basic(access, secret), pid, metrics);
    }

    private static final class Embedded extends LiveServer {
        private final Path hubDir;
        private final PlasmidServletOptions options;
        private final String admin;
        private PlasmidHub hub;
        private PlasmidServer server;
        private SimpleMeterRegistry registry;
        private int port;

        Embedded(Path dir, PlasmidServletOptions options) throws Exception {
            this.hubDir = dir.resolve("hub");
            this.options = options;
            String secret = UUID.randomUUID().toString();
            hub = PlasmidHub.open(hubDir);
            hub.accounts().setSecret("bench", secret);
            hub.accounts().grant("bench", "*", "*", "Yes");
            admin = LiveHttp.basic("bench", secret);
            serve();
        }

        private void serve() throws Exception {
            PlasmidServlet servlet = new PlasmidServlet(hub, options);
            registry = new SimpleMeterRegistry();
            new PlasmidServletMetrics(servlet).bindTo(registry);
            server = PlasmidServer.start("127.0.0.1", port, servlet, Duration.ofSeconds(5));
            port = server.port();
        }

        @Override
        URI api() {
            return server.apiUri();
        }

        @Override
        String admin() {
            return admin;
        }

        @Override
        ProcessMeter meter() {
            return ProcessMeter.thisJvm();
        }

        @Override
        int heldPolls() {
            return (int) registry.get(PlasmidServletMetrics.POLLS_HELD).gauge().value();
        }

        @Override
        long heldPollsEveryMillis() {
            return 20;
        }

        @Override
        String restart() throws Exception {
            server.stop();
            hub.close();
            hub = PlasmidHub.open(hubDir);
            serve();
            return "in this JVM: server stopped, hub closed and opened again";
        }

        @Override
        boolean restartsForReal() {
            return true;
        }

        @Override
        public void close() {
            try {
                server.stop();
            } catch (Exception e) {
                // the hub is closed below all the same
            }
            hub.close();
        }
    }

    private static final class Child extends LiveServer {
        private final Path jar;
        private final Path dir;
        private final List<String> jvmOptions;
        private final List<String> args = new ArrayList<>();
        private final String admin;
        private final URI metrics;
        private ServerProcess process;

        Child(Path jar, Path dir, List<String> jvmOptions, List<String> servletOptions) throws IOException {
            this.jar = jar;
            this.dir = dir;
            this.jvmOptions = List.copyOf(jvmOptions);
            String secret = UUID.randomUUID().toString();
            ServerProcess.admin(jar, dir, List.of("-p", "hub", "--set-secret", "bench", secret));
            ServerProcess.admin(jar, dir, List.of("-p", "hub", "--grant-permission", "bench", "*", "*"));
            admin = LiveHttp.basic("bench", secret);
            int metricsPort = freePort();
            args.addAll(List.of("-p", "hub", "--port", Integer.toString(freePort()),
                    "--metrics-port", Integer.toString(metricsPort)));
            for (String option : servletOptions) {
                args.addAll(List.of("--servlet-option", option));
            }
            metrics = URI.create("http://127.0.0.1:" + metricsPort + "/metrics");
            start();
        }

        private void start() throws IOException {
            process = ServerProcess.start(jar, dir, jvmOptions, args, Duration.ofSeconds(60));
        }

        @Override
        URI api() {
            return process.api();
        }

        @Override
        String admin() {
            return admin;
        }

        @Override
        ProcessMeter meter() {
            return ProcessMeter.pid(process.pid());
        }

        @Override
        int heldPolls() {
            return scrapeHeldPolls(metrics);
        }

        @Override
        String restart() throws IOException {
            process.terminate(Duration.ofSeconds(30));
            start();
            return "plasmidctl process " + process.pid() + ": SIGTERM, then started again on the same hub and port";
        }

        @Override
        boolean restartsForReal() {
            return true;
        }

        @Override
        public void close() {
            try {
                process.terminate(Duration.ofSeconds(30));
            } catch (IOException e) {
                process.close(); // killed
            }
        }
    }

    private static final class External extends LiveServer {
        private final URI api;
        private final String admin;
        private final long pid;
        private final URI metrics;

        External(URI api, String admin, long pid, URI metrics) {
            this.api = api;
            this.admin = admin;
            this.pid = pid;
            this.metrics = metrics;
        }

        @Override
        URI api() {
            return api;
        }

        @Override
        String admin() {
            return admin;
        }

        @Override
        ProcessMeter meter() {
            return ProcessMeter.pid(pid);
        }

        @Override
        int heldPolls() {
            return metrics == null ? -1 : scrapeHeldPolls(metrics);
        }

        @Override
        String restart() {
            return "simulated: every connection dropped, the server kept running (and remembers checked secrets)";
        }

        @Override
        boolean restartsForReal() {
            return false;
        }

        @Override
        public void close() {
            // not ours
        }
    }

    /** @return {@code plasmid_polls_held} from a Prometheus page, or -1 if it cannot be read */
    static int scrapeHeldPolls(URI metrics) {
        try {
            java.net.URLConnection c = metrics.toURL().openConnection();
            c.setConnectTimeout(2_000);
            c.setReadTimeout(10_000);
            InputStream in = c.getInputStream();
            String page;
            try (in) {
                page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String line : page.split("\n")) {
                if (line.startsWith("plasmid_polls_held ") || line.startsWith("plasmid_polls_held{")) {
                    return (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
