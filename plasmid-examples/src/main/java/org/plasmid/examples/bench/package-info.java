/**
 * The benchmark, {@link org.plasmid.examples.bench.Bench}: fixed workloads over real HTTP (through a lean
 * keep-alive client) or straight into the engine, printing medians and one JSON line; and W7
 * ({@code LiveDevices}), thousands of devices holding long-polls through Jetty's asynchronous client, with
 * the reconnect storm. Everything but the entry point is package-private.
 */
package org.plasmid.examples.bench;
