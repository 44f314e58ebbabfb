/**
 * Tools for several nodes on one hub (PostgreSQL): {@link org.plasmid.examples.tools.nodes.CrossNodeLatency}
 * measures how fast a push on one node wakes a long-poll on another, and how fast a revocation reaches
 * it. Uses only the protocol client ({@code client}) and the shared command-line rules ({@code cli}).
 */
package org.plasmid.examples.tools.nodes;
