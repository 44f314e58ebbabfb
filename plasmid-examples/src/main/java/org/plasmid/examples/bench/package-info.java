/**
 * The benchmark, {@link org.plasmid.examples.bench.Bench}: fixed workloads over real HTTP (through a lean
 * keep-alive client) or straight into the engine, printing medians and one JSON line. Everything but the
 * entry point is package-private.
 */
package org.plasmid.examples.bench;
