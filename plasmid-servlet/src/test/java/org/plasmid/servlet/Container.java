package org.plasmid.servlet;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * A servlet container serving one {@link PlasmidServlet} as the tests mount it: context {@value #CONTEXT},
 * mapping {@value #MAPPING} (so the API is at {@value #API}), with async support, on a real port of
 * 127.0.0.1. {@link ContainerContractTest} runs one contract over every {@link Kind}.
 *
 * <p>Each container gives the web application a class loader of its own (Tomcat always does; Jetty is given
 * one here), so that a test can see, as Tomcat's leak check does, whether a thread started on behalf of the
 * application outlives it ({@link #webappClassLoader()}).
 */
abstract class Container implements AutoCloseable {
    static final String CONTEXT = TestServer.CONTEXT;
    static final String MAPPING = TestServer.MAPPING;
    static final String API = TestServer.API;
    /**
     * How long a stop lets requests in flight finish (Jetty's stop timeout, Tomcat's unload delay): long, so
     * that a stop held up by a long-poll would show as a stall rather than end quietly.
     */
    static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

    /** Tomcat logs through java.util.logging; kept here so that the level set below is not collected. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(Level.WARNING); // its INFO lines (starting, stopping) would fill the test output
    }

    /** The containers the contract runs on. */
    enum Kind {
        JETTY, TOMCAT;

        /**
         * Starts a container serving {@code servlet}.
         *
         * @param servlet the servlet, not yet initialized
         * @return the started container
         * @throws Exception if it cannot start
         */
        Container start(PlasmidServlet servlet) throws Exception {
            return start(servlet, Mount.DEFAULT);
        }

        /**
         * Starts a container serving {@code servlet} as {@code mount} says.
         *
         * @param servlet the servlet, not yet initialized
         * @param mount how to register it, and the container's idle timeout
         * @return the started container
         * @throws Exception if it cannot start
         */
        Container start(PlasmidServlet servlet, Mount mount) throws Exception {
            return this == JETTY ? new Jetty(servlet, mount) : new TomcatContainer(servlet, mount);
        }
    }

    /**
     * How the servlet is registered, and the container's idle timeout (how long it waits for a client's
     * bytes before it gives up on the connection).
     *
     * @param asyncSupported whether the servlet is registered with async support (the README says to)
     * @param idleTimeout the container's idle timeout, or null for its default (Jetty 30 s, Tomcat 60 s)
     */
    record Mount(boolean asyncSupported, Duration idleTimeout) {
        static final Mount DEFAULT = new Mount(true, null);
    }

    private final PlasmidServlet servlet;
    private boolean stopped;

    Container(PlasmidServlet servlet) {
        this.servlet = servlet;
    }

    /** @return the port the container listens on, at 127.0.0.1 */
    abstract int port();

    /** @return the class loader the container runs the web application's requests with */
    abstract ClassLoader webappClassLoader();

    /**
     * @return the warnings of the container's leak detection as the application stopped: Tomcat's class
     *     loader looks for threads, ThreadLocals and the like that the application left behind; Jetty has none
     */
    abstract List<LogRecord> leakWarnings();

    /** Stops and destroys the container, letting requests in flight finish. */
    abstract void stopContainer() throws Exception;

    /**
     * Stops the way the README says to: held long-polls are answered first ({@link
     * PlasmidServlet#answerHeldPolls()}), then the container stops, waiting for requests in flight.
     *
     * @throws Exception if the container does not stop cleanly
     */
    final void stop() throws Exception {
        if (!stopped) {
            stopped = true;
            servlet.answerHeldPolls();
            stopContainer();
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    /**
     * @return a raw HTTP client to this container with the given timeout, which sends requests as browsers
     *     do: without half-closing the connection (Tomcat would take that for a client that has gone)
     */
    RawHttp http(int timeoutMillis) {
        return new RawHttp(port(), null, timeoutMillis, false);
    }

    /** Jetty 12 (ee10), stopped gracefully as plasmidctl stops it: a {@link GracefulHandler} and a stop timeout. */
    private static final class Jetty extends Container {
        private final Server server = new Server();
        private final ServerConnector connector = new ServerConnector(server);
        private final ClassLoader loader = new URLClassLoader("jetty-webapp", new URL[0],
                Container.class.getClassLoader());

        Jetty(PlasmidServlet servlet, Mount mount) throws Exception {
            super(servlet);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            if (mount.idleTimeout() != null) {
                connector.setIdleTimeout(mount.idleTimeout().toMillis());
            }
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(CONTEXT);
            context.setClassLoader(loader);
            ServletHolder holder = new ServletHolder("plasmid", servlet);
            holder.setAsyncSupported(mount.asyncSupported());
            context.addServlet(holder, MAPPING);
            server.setHandler(new GracefulHandler(context));
            server.setStopTimeout(STOP_PATIENCE.toMillis());
            server.start();
        }

        @Override
        int port() {
            return connector.getLocalPort();
        }

        @Override
        ClassLoader webappClassLoader() {
            return loader;
        }

        @Override
        List<LogRecord> leakWarnings() {
            return List.of();
        }

        @Override
        void stopContainer() throws Exception {
            server.stop();
        }
    }

    /** Embedded Tomcat 11, set up as the README's snippet sets it up, in a temporary base directory. */
    private static final class TomcatContainer extends Container {
        private final Tomcat tomcat = new Tomcat();
        private final Path baseDir = Files.createTempDirectory("plasmid-tomcat");
        private final Context context;
        private final ClassLoader loader;
        private final WarningLog log = new WarningLog(WarningLog.LEAK_DETECTION);

        TomcatContainer(PlasmidServlet servlet, Mount mount) throws Exception {
            super(servlet);
            TOMCAT_LOG.addHandler(log);
            tomcat.setBaseDir(baseDir.toString());
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            if (mount.idleTimeout() != null) {
                tomcat.getConnector().setProperty("connectionTimeout", Long.toString(mount.idleTimeout().toMillis()));
            }
            context = tomcat.addContext(CONTEXT, null);
            ((StandardContext) context).setUnloadDelay(STOP_PATIENCE.toMillis());
            Wrapper wrapper = Tomcat.addServlet(context, "plasmid", servlet);
            wrapper.setAsyncSupported(mount.asyncSupported());
            wrapper.setLoadOnStartup(1); // Tomcat initializes a servlet at its first request otherwise
            context.addServletMappingDecoded(MAPPING, "plasmid");
            tomcat.start();
            loader = context.getLoader().getClassLoader();
        }

        @Override
        int port() {
            return tomcat.getConnector().getLocalPort();
        }

        @Override
        ClassLoader webappClassLoader() {
            return loader;
        }

        /**
         * Tomcat's warnings, except those naming a worker thread of its own connector: one that has just
         * answered a request still carries the application's class loader for a moment, and the check at
         * the context's stop can see it then (it did once, on a loaded machine). No thread of ours is named so.
         */
        @Override
        List<LogRecord> leakWarnings() {
            return log.records().stream()
                    .filter(r -> !String.valueOf(r.getMessage()).contains("a thread named [http-nio-")).toList();
        }

        @Override
        void stopContainer() throws Exception {
            try {
                tomcat.stop();
                tomcat.destroy();
            } finally {
                TOMCAT_LOG.removeHandler(log);
                deleteTree(baseDir);
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Collects the log records at WARNING or above of some of Tomcat's loggers. Only those: Tomcat warns of
     * other things too, a slow machine among them (a SecureRandom that took over 100 ms to create).
     */
    static final class WarningLog extends Handler {
        /** The loggers of Tomcat's leak detection at a context's stop (WebappClassLoaderBase and its kin). */
        static final String LEAK_DETECTION = "org.apache.catalina.loader.";

        private final String loggers;
        private final List<LogRecord> records = new ArrayList<>();

        /** @param loggers the start of the names of the loggers whose warnings to collect */
        WarningLog(String loggers) {
            this.loggers = loggers;
        }

        @Override
        public synchronized void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getLoggerName() != null
                    && r.getLoggerName().startsWith(loggers)) {
                records.add(r);
            }
        }

        synchronized List<LogRecord> records() {
            return List.copyOf(records);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
