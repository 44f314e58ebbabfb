/**
 * The crash torture, {@link org.plasmid.examples.tools.torture.CrashTorture}: the real server killed with
 * SIGKILL under syncing devices, restarted, and audited for lost, partial or missing pushes. Everything
 * but the entry point is package-private. Talks to the server over HTTP only (the protocol client), never
 * through the engine.
 */
package org.plasmid.examples.tools.torture;
