/**
 * What the reliability tools, the benchmark and the end-to-end tests share:
 * {@link org.plasmid.examples.tools.ServerProcess} (the real {@code plasmidctl.jar} as a child process),
 * and {@link org.plasmid.examples.tools.Trees} (temporary hubs). The tools themselves are in
 * {@code tools.torture}, {@code tools.soak} and {@code tools.nodes}. Depends on nothing of Plasmid.
 */
package org.plasmid.examples.tools;
