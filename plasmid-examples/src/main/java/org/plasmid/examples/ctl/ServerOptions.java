package org.plasmid.examples.ctl;

import java.util.List;
import picocli.CommandLine.Option;

/** How the hub is served: the options of a run without an action. */
final class ServerOptions {
    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1", converter = Converters.NonBlank.class,
            description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only; "
                    + "--host 0.0.0.0 listens on all interfaces)")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8880", converter = Converters.Port.class,
            description = "port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port, and the log says "
                    + "which)")
    int port;

    @Option(names = "--forwarded",
            description = "behind a reverse proxy: take the client's address from its X-Forwarded-For (or "
                    + "Forwarded) header, for the throttles; only when the proxy sets that header itself and "
                    + "nothing else can reach the server")
    boolean forwarded;

    @Option(names = "--servlet-option", paramLabel = "NAME=VALUE", converter = Converters.ServletOption.class,
            description = "set one of PlasmidServlet's options by its init-param name, as web.xml would (the README "
                    + "lists them: limits, long-poll caps, throttles, CORS); repeatable, for example "
                    + "--servlet-option max-held-polls-per-address=20000 for many clients behind one address")
    List<Converters.ServletSetting> servletOptions;

    @Option(names = "--demo",
            description = "also serve the todo demo web app at http://HOST:PORT/ (for demos only: the page may "
                    + "create guest accounts)")
    boolean demo;
}
