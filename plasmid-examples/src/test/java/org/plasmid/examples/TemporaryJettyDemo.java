package org.plasmid.examples;

import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.plasmid.core.PlasmidHub;
import org.plasmid.servlet.PlasmidServlet;

/** TEMPORARY until plasmidctl lands: the demo on Jetty, for trying the page. */
final class TemporaryJettyDemo implements DemoBrowserTest.DemoServer {
    private final Server server;
    private final PlasmidHub hub;
    private final DemoWebApp demo;
    private final int port;

    private TemporaryJettyDemo(Server server, PlasmidHub hub, DemoWebApp demo, int port) {
        this.server = server; this.hub = hub; this.demo = demo; this.port = port;
    }

    static TemporaryJettyDemo start(Path dir) throws Exception {
        PlasmidHub hub = PlasmidHub.open(dir);
        DemoWebApp demo = DemoWebApp.setUp(hub, "/plasmid/v1/");
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        server.addConnector(c);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder api = new ServletHolder("plasmid", new PlasmidServlet(hub));
        api.setAsyncSupported(true);
        context.addServlet(api, "/plasmid/*");
        context.addServlet(new ServletHolder("demo", demo.servlet()), "/");
        server.setHandler(context);
        server.start();
        return new TemporaryJettyDemo(server, hub, demo, c.getLocalPort());
    }

    @Override public URI root() { return URI.create("http://localhost:" + port + "/"); }
    @Override public URI api() { return root().resolve("/plasmid/v1/"); }
    @Override public void close() throws Exception { server.stop(); demo.close(); hub.close(); }
}
