/**
 * What the reliability tools, the benchmark and the end-to-end tests share:
 * {@link org.plasmid.examples.tools.ServerProcess} (the real {@code plasmidctl.jar} as a child process),
 * {@link org.plasmid.examples.tools.Trees} (temporary hubs) and
 * {@link org.plasmid.examples.tools.DurationConverter} ({@code 30s}, {@code 5m} on a command line). The
 * tools themselves are in {@code tools.torture} and {@code tools.soak}. Depends on nothing of Plasmid.
 */
package org.plasmid.examples.tools;
