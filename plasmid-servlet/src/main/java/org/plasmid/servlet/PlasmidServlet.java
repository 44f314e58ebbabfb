package org.plasmid.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.plasmid.core.ClientSession;
import org.plasmid.core.PlasmidHub;

/**
 * Serves a {@link PlasmidHub} over the Plasmid Sync wire protocol, version 1 (PROTOCOL.md), so that
 * Plasmid.js clients can sync with it. The API lives under {@code {mount}/v1/} wherever the servlet is
 * mapped: map it at {@code /plasmid/*} and clients use {@code https://host/context/plasmid/v1/}.
 *
 * <h2>Where the hub comes from</h2>
 * <ol>
 *   <li>The constructor ({@link #PlasmidServlet(PlasmidHub)}): the preferred, programmatic way.</li>
 *   <li>Otherwise a ServletContext attribute, by default {@value #HUB_ATTRIBUTE}; the servlet init-param
 *       {@value #HUB_ATTRIBUTE_PARAM} names another attribute, so two mounts can serve two hubs.
 *       {@link PlasmidContextListener} publishes a hub there for web.xml-only applications.</li>
 *   <li>Otherwise {@link #init()} fails with a {@link ServletException} naming the attribute.</li>
 * </ol>
 * The servlet never closes the hub: whoever opened it closes it.
 *
 * <h2>Registration</h2>
 * Register it with async support ({@code asyncSupported=true}), so that long-poll pulls
 * ({@code ?wait=S}) wait without holding a thread. Without it they still work, holding a thread each.
 *
 * <h2>Options</h2>
 * Limits, the long-poll cap and CORS come from {@link PlasmidServletOptions} given to the constructor,
 * or else from the init-params {@value #MAX_BODY_BYTES_PARAM}, {@value #MAX_VALUE_BYTES_PARAM},
 * {@value #MAX_DEPTH_PARAM}, {@value #MAX_HELD_POLLS_PARAM} and {@value #CORS_ALLOWED_ORIGINS_PARAM}
 * (a comma-separated list of origins, or {@code *}).
 *
 * <h2>Logging</h2>
 * One access-log line per request at INFO on the SLF4J logger {@code org.plasmid.servlet.RequestLog}
 * (method, path, status, bytes, access token; never a secret); server faults at ERROR on
 * {@code org.plasmid.servlet.PlasmidServlet}.
 */
public class PlasmidServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The ServletContext attribute a hub is taken from when none was given to the constructor. */
    public static final String HUB_ATTRIBUTE = "org.plasmid.hub";
    /** Servlet init-param naming another ServletContext attribute to take the hub from. */
    public static final String HUB_ATTRIBUTE_PARAM = "hub-attribute";
    /** Servlet init-param: the largest request body in bytes (default 16 MiB). */
    public static final String MAX_BODY_BYTES_PARAM = "max-body-bytes";
    /** Servlet init-param: the largest value in a push in bytes (default 1 MiB). */
    public static final String MAX_VALUE_BYTES_PARAM = "max-value-bytes";
    /** Servlet init-param: the deepest nesting inside a value (default 64). */
    public static final String MAX_DEPTH_PARAM = "max-depth";
    /** Servlet init-param: the most long-polls held at once (default 10,000). */
    public static final String MAX_HELD_POLLS_PARAM = "max-held-polls";
    /** Servlet init-param: origins allowed by CORS, comma-separated, or {@code *} (default: CORS off). */
    public static final String CORS_ALLOWED_ORIGINS_PARAM = "cors-allowed-origins";

    private final transient PlasmidHub givenHub;
    private final transient PlasmidServletOptions givenOptions;
    private transient PlasmidHub hub;
    private transient Cors cors;
    private transient LongPolls polls;
    private transient Endpoints endpoints;

    /** For web.xml: the hub comes from a ServletContext attribute, the options from init-params. */
    public PlasmidServlet() {
        this.givenHub = null;
        this.givenOptions = null;
    }

    /**
     * Serves {@code hub}, with options from init-params (defaults when there are none).
     *
     * @param hub the hub to serve; the servlet never closes it
     */
    public PlasmidServlet(PlasmidHub hub) {
        this.givenHub = Objects.requireNonNull(hub, "hub");
        this.givenOptions = null;
    }

    /**
     * Serves {@code hub} with these options (init-params are then ignored, except none).
     *
     * @param hub the hub to serve; the servlet never closes it
     * @param options limits, long-poll cap and CORS
     */
    public PlasmidServlet(PlasmidHub hub, PlasmidServletOptions options) {
        this.givenHub = Objects.requireNonNull(hub, "hub");
        this.givenOptions = Objects.requireNonNull(options, "options");
    }

    /**
     * Finds the hub and reads the options.
     *
     * @throws ServletException if no hub was given and the ServletContext attribute holds none, or an
     *     init-param is invalid
     */
    @Override
    public void init() throws ServletException {
        hub = givenHub != null ? givenHub : hubFromContext();
        PlasmidServletOptions options = givenOptions != null ? givenOptions : InitParams.options(getServletConfig());
        cors = new Cors(options.corsAllowedOrigins());
        polls = new LongPolls(options.maxHeldPolls());
        endpoints = new Endpoints(hub, options, polls);
    }

    private PlasmidHub hubFromContext() throws ServletException {
        String param = getInitParameter(HUB_ATTRIBUTE_PARAM);
        String attribute = param == null || param.isBlank() ? HUB_ATTRIBUTE : param.trim();
        Object value = getServletContext().getAttribute(attribute);
        if (value instanceof PlasmidHub h) {
            return h;
        }
        throw new ServletException("PlasmidServlet " + getServletName() + " has no hub: pass one to its constructor, "
                + "or put a PlasmidHub in the ServletContext attribute \"" + attribute + "\" (for example with "
                + PlasmidContextListener.class.getName() + ")"
                + (value == null ? "" : "; the attribute holds a " + value.getClass().getName()));
    }

    /** Wakes the long-polls still held so they are answered; the hub stays open. */
    @Override
    public void destroy() {
        answerHeldPolls();
    }

    /**
     * Prepares for a graceful stop: answers every long-poll this servlet holds now, with what there is
     * (usually nothing new), and from then on answers long-polls at once instead of holding them; the
     * clients simply poll again. Everything else is served as before. A container that stops gracefully
     * waits for the requests in flight, and a long-poll may wait up to 60 s for a change, so call this
     * as the stop begins (the standalone plasmidctl server does), or held polls hold the stop up until
     * the container's stop timeout cuts them off. Harmless to call more than once.
     */
    public void answerHeldPolls() {
        if (polls != null) {
            polls.wakeAll();
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Exchange ex = new Exchange(req, resp);
        boolean async = false;
        try {
            resp.setHeader("Cache-Control", "no-store");
            boolean corsAllowed = cors.decorate(req, resp);
            Route.Match match = Route.match(req.getMethod(), path(req));
            if (!match.pathKnown()) {
                ex.send(Answers.notFound("no such endpoint: see PROTOCOL.md for the v1 API"));
            } else if (req.getMethod().equals("OPTIONS")) {
                options(ex, match.allowedMethods(), corsAllowed);
            } else if (match.route() == null) {
                ex.send(Answers.methodNotAllowed(match.allowedMethods()));
            } else {
                async = Responder.run(ex, () -> endpoints.serve(ex, authenticate(ex), match.route()));
            }
        } finally {
            if (!async) {
                RequestLog.log(ex);
            }
        }
    }

    /** @return how many long-polls this servlet holds right now (for tests and monitoring) */
    int heldPolls() {
        return polls.held();
    }

    private void options(Exchange ex, List<String> methods, boolean corsAllowed) {
        List<String> allow = new ArrayList<>(methods);
        allow.add("OPTIONS");
        if (corsAllowed) {
            cors.preflight(ex.response(), allow);
        }
        ex.response().setHeader("Allow", String.join(", ", allow));
        ex.response().setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private ClientSession authenticate(Exchange ex) throws RequestException {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(ex.request().getHeader("Authorization"));
        if (credentials.isEmpty()) {
            throw new RequestException(Answers.unauthorized());
        }
        Optional<ClientSession> session = hub.authenticate(credentials.get().access(), credentials.get().secret());
        if (session.isEmpty()) {
            throw new RequestException(Answers.unauthorized());
        }
        ex.authenticated(session.get().access());
        return session.get();
    }

    /** The path under the servlet; a servlet mapped as the default servlet ({@code /}) has no path info. */
    private static String path(HttpServletRequest req) {
        String info = req.getPathInfo();
        if (info == null && req.getHttpServletMapping() != null
                && req.getHttpServletMapping().getMappingMatch() == MappingMatch.DEFAULT) {
            return req.getServletPath();
        }
        return info;
    }
}
