/**
 * A Java client of the wire protocol (PROTOCOL.md): {@link org.plasmid.examples.client.SyncClient}, one
 * request per call, and {@link org.plasmid.examples.client.SimulatedDevice}, the sync loop of Plasmid.js.
 * It imports nothing of Plasmid's engine or servlet: it speaks HTTP and JSON only, as a client author's
 * code would (the layout test checks).
 */
package org.plasmid.examples.client;
