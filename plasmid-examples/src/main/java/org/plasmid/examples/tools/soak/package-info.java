/**
 * The soak, {@link org.plasmid.examples.tools.soak.Soak}: sustained mixed load on a server (by default one
 * embedded in the soak's JVM, so its heap and file descriptors can be watched), every answer checked
 * against the protocol, latencies in a constant-memory histogram. Everything but the entry point is
 * package-private.
 */
package org.plasmid.examples.tools.soak;
