package org.plasmid.examples.ctl;

import picocli.CommandLine.Option;

/** Metrics for Prometheus, on a port of their own (never the public one). */
final class MonitoringOptions {
    @Option(names = "--metrics-port", paramLabel = "N", converter = Converters.Port.class,
            description = "serve GET /metrics (Prometheus text format: Plasmid's, the JVM's and Jetty's meters) "
                    + "on this port; health checks are at /plasmid/health/live and /plasmid/health/ready on the "
                    + "server's own port")
    Integer port;

    @Option(names = "--metrics-host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            converter = Converters.NonBlank.class,
            description = "address of the metrics port (default: ${DEFAULT-VALUE}, this machine only)")
    String host;
}
