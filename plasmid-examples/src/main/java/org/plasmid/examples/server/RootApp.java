package org.plasmid.examples.server;

import jakarta.servlet.Servlet;
import java.net.URI;

/**
 * An application served at the site's root, beside the API (the todo demo of {@code plasmidctl --demo}
 * is one). {@link Serving} builds it on the open hub, maps its servlet at {@code /} (every path outside
 * {@value PlasmidServer#MOUNT}{@code /}), tells it where it is served once the server listens, and closes
 * it after the server has stopped, before the hub is closed.
 */
public interface RootApp extends AutoCloseable {
    /** @return the servlet for every path outside the API's mount; it answers 404 for what it does not serve */
    Servlet servlet();

    /**
     * Called once the server listens; does nothing unless the app has something to say.
     *
     * @param root the site's root URL, for example {@code http://127.0.0.1:8880/}
     */
    default void started(URI root) {
    }

    /** Undoes what the app set up on the hub. Called once, after the server has stopped. */
    @Override
    void close();
}
