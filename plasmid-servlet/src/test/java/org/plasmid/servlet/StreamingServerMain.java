package org.plasmid.servlet;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.plasmid.core.PlasmidHub;

/**
 * Serves a hub directory from a child JVM (run with a small heap by {@link StreamingTest}): prints
 * {@code READY <port> <max heap bytes>} once listening, and stops when its standard input closes.
 */
public final class StreamingServerMain {
    private StreamingServerMain() {
    }

    public static void main(String[] args) throws Exception {
        try (PlasmidHub hub = PlasmidHub.open(Path.of(args[0]))) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(TestServer.CONTEXT);
            ServletHolder holder = new ServletHolder(new PlasmidServlet(hub));
            holder.setAsyncSupported(true);
            context.addServlet(holder, TestServer.MAPPING);
            server.setHandler(context);
            server.start();
            System.out.println("READY " + connector.getLocalPort() + " " + Runtime.getRuntime().maxMemory());
            System.out.flush();
            waitForEndOfInput();
            server.stop();
        }
    }

    private static void waitForEndOfInput() throws IOException {
        while (System.in.read() >= 0) {
            // the parent closes our input to stop us
        }
    }
}
