/**
 * The standalone HTTP server: Jetty 12 serving a servlet at {@code /plasmid/}
 * ({@link org.plasmid.examples.server.PlasmidServer}), a hub opened, served and stopped in the right
 * order ({@link org.plasmid.examples.server.Serving}), optionally with an application at the root
 * ({@link org.plasmid.examples.server.RootApp}), and Jetty's own refusals answered in the protocol's
 * JSON. Depends on the engine and the servlet only: it knows nothing of the demo or of a command line.
 */
package org.plasmid.examples.server;
