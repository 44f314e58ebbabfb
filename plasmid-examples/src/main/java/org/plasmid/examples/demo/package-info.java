/**
 * The todo demo web app of {@code plasmidctl --demo}: {@link org.plasmid.examples.demo.DemoWebApp}, a
 * {@link org.plasmid.examples.server.RootApp}, and its page, scripts, service worker and
 * {@code plasmid-client.js} as resources in {@code org/plasmid/examples/demo/web/}. Depends on the engine
 * (it sets up its sign-up account) and on the server's {@code RootApp}.
 */
package org.plasmid.examples.demo;
