/**
 * Tools for the file hub's lifecycle: {@link org.plasmid.examples.tools.hub.HubLifecycle} measures how
 * big a hub's directory stays under overwrites and how long a restart after kill -9 takes. Uses only the
 * protocol client ({@code client}), the server process ({@code tools}) and the shared command-line rules
 * ({@code cli}).
 */
package org.plasmid.examples.tools.hub;
