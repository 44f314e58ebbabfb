package org.plasmid.examples.server;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.Servlet;
import java.net.InetAddress;
import java.net.URI;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.PlasmidHubMetrics;
import org.plasmid.servlet.PlasmidServlet;
import org.plasmid.servlet.PlasmidServletMetrics;

/**
 * What {@code plasmidctl --metrics-port} serves: a Prometheus registry holding the engine's and the
 * servlet's meters, the JVM's (memory, GC, threads, classes, CPU, uptime, file descriptors) and Jetty's
 * (its thread pool, its connections and bytes), served by a {@link MetricsServer} of its own.
 */
final class Monitoring {
    private final PrometheusMeterRegistry registry;
    private final MetricsServer server;
    private final JvmGcMetrics gc;
    private final String host;

    private Monitoring(PrometheusMeterRegistry registry, MetricsServer server, JvmGcMetrics gc, String host) {
        this.registry = registry;
        this.server = server;
        this.gc = gc;
        this.host = host;
    }

    /** @return a registry with the engine's and (when it is Plasmid's) the servlet's meters bound */
    static PrometheusMeterRegistry registry(PlasmidHub hub, Servlet api) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new PlasmidHubMetrics(hub).bindTo(registry);
        if (api instanceof PlasmidServlet plasmid) {
            new PlasmidServletMetrics(plasmid).bindTo(registry);
        }
        return registry;
    }

    /**
     * Binds the JVM's and Jetty's meters and serves the registry.
     *
     * @throws Exception if the metrics server cannot start
     */
    static Monitoring start(PrometheusMeterRegistry registry, PlasmidServer api, String host, int port)
            throws Exception {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new JettyServerThreadPoolMetrics(api.jetty().getThreadPool(), Tags.empty()).bindTo(registry);
        JettyConnectionMetrics.addToAllConnectors(api.jetty(), registry);
        try {
            return new Monitoring(registry, MetricsServer.start(host, port, registry), gc, host);
        } catch (Exception e) {
            gc.close();
            registry.close();
            throw e;
        }
    }

    int port() {
        return server.port();
    }

    /** @return where the metrics are, for example {@code http://127.0.0.1:9880/metrics} */
    URI uri() {
        String shown = host;
        try {
            if (InetAddress.getByName(host).isAnyLocalAddress()) {
                shown = "localhost";
            }
        } catch (java.net.UnknownHostException e) {
            // shown as given
        }
        if (shown.contains(":") && !shown.startsWith("[")) {
            shown = "[" + shown + "]";
        }
        return URI.create("http://" + shown + ":" + port() + "/metrics");
    }

    void stop() throws Exception {
        try {
            server.stop();
        } finally {
            gc.close();
            registry.close();
        }
    }
}
