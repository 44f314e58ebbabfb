/**
 * {@code plasmidctl}, the standalone server's command line: {@link org.plasmid.examples.ctl.PlasmidCtl}
 * (the main class of {@code plasmidctl.jar}); its options, declared once, one class per section of
 * {@code --help} ({@code HubOptions}, {@code ServerOptions}, {@code AdminAction}, {@code GeneralOptions},
 * gathered by {@code CtlCommand}); the admin actions on a hub ({@code AdminCommands}); and serving until
 * the JVM is asked to stop ({@code ServeUntilStopped}). Depends on the server, the demo, the CLI
 * conventions, and the engine and servlet.
 */
package org.plasmid.examples.ctl;
