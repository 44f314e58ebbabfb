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
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * ({@code ?wait=S}) wait, and request bodies arrive, without holding a thread. Without it both still
 * work, holding a thread each: a long-poll for its wait, a body until it has arrived (its pace is then
 * checked only between reads, so a client that stalls altogether is ended by the container's idle
 * timeout rather than the body deadline).
 *
 * <h2>Options</h2>
 * Limits, the long-poll cap, CORS and the authentication throttle come from {@link PlasmidServletOptions}
 * given to the constructor, or else from these servlet init-params (an absent or blank one keeps its
 * default; an invalid one fails {@link #init()} with a {@link ServletException} naming it):
 * <table>
 *   <caption>Init-params</caption>
 *   <tr><th>init-param</th><th>default</th><th>sets</th></tr>
 *   <tr><td>{@code max-body-bytes}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_BODY_BYTES}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxBodyBytes largest request body} (413 beyond)</td></tr>
 *   <tr><td>{@code max-value-bytes}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_VALUE_BYTES}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxValueBytes largest value in a push} (413 beyond)</td></tr>
 *   <tr><td>{@code max-objects-per-push}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_OBJECTS_PER_PUSH}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxObjectsPerPush most objects in one push} (413
 *       beyond)</td></tr>
 *   <tr><td>{@code max-depth}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_DEPTH}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxDepth deepest nesting inside a value} (400 beyond)</td></tr>
 *   <tr><td>{@code min-body-bytes-per-second}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_MIN_BODY_BYTES_PER_SECOND}</td>
 *       <td>{@link PlasmidServletOptions.Builder#minBodyBytesPerSecond slowest average rate of a request body}
 *       once the grace period is over (408 below; 0: none)</td></tr>
 *   <tr><td>{@code body-rate-grace-seconds}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_BODY_RATE_GRACE_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#bodyRateGracePeriod how long a body may arrive at any
 *       rate}</td></tr>
 *   <tr><td>{@code body-deadline-seconds}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_BODY_DEADLINE_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#bodyDeadline longest a request body may take} (408
 *       beyond)</td></tr>
 *   <tr><td>{@code max-held-polls}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_HELD_POLLS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxHeldPolls long-polls held at once} (503 beyond)</td></tr>
 *   <tr><td>{@code max-held-polls-per-access}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_MAX_HELD_POLLS_PER_ACCESS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxHeldPollsPerAccess long-polls one access token holds}
 *       (503 beyond)</td></tr>
 *   <tr><td>{@code max-held-polls-per-address}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_MAX_HELD_POLLS_PER_ADDRESS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxHeldPollsPerAddress long-polls one client address holds}
 *       (503 beyond; high, because behind a reverse proxy all clients share its address)</td></tr>
 *   <tr><td>{@code max-wait-seconds}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_WAIT_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxWait the longest a long-poll is held}; keep it below
 *       the container's idle timeout</td></tr>
 *   <tr><td>{@code cors-allowed-origins}</td><td>none: CORS off</td>
 *       <td>{@link PlasmidServletOptions.Builder#corsAllowedOrigins origins allowed by CORS},
 *       comma-separated, or {@code *}</td></tr>
 *   <tr><td>{@code auth-failures-per-access}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxAuthFailuresPerAccess failed authentications per access
 *       token} and window (429 beyond)</td></tr>
 *   <tr><td>{@code auth-failures-per-address}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxAuthFailuresPerAddress failed authentications per client
 *       address} and window (429 beyond)</td></tr>
 *   <tr><td>{@code auth-failure-window-seconds}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_AUTH_FAILURE_WINDOW_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#authFailureWindow the window of the authentication
 *       limits}</td></tr>
 *   <tr><td>{@code auth-queue-seconds}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_AUTH_QUEUE_WAIT_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#authQueueWait how long an authentication waits for checks in
 *       progress} that alone use up its limits, before 429</td></tr>
 *   <tr><td>{@code guests-per-address}</td><td>{@value PlasmidServletOptions#DEFAULT_MAX_GUESTS_PER_ADDRESS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#maxGuestsPerAddress guest accounts created per client
 *       address} and window (429 beyond)</td></tr>
 *   <tr><td>{@code guest-window-seconds}</td><td>{@value PlasmidServletOptions#DEFAULT_GUEST_WINDOW_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#guestWindow the window of the guest creation limit}</td></tr>
 *   <tr><td>{@code outofdate-updates-bytes}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_OUT_OF_DATE_UPDATES_BYTES}</td>
 *       <td>{@link PlasmidServletOptions.Builder#outOfDateUpdatesBytes the missed changes an outofdate answer
 *       carries} (0: none)</td></tr>
 *   <tr><td>{@code ready-timeout-seconds}</td>
 *       <td>{@value PlasmidServletOptions#DEFAULT_READY_TIMEOUT_SECONDS}</td>
 *       <td>{@link PlasmidServletOptions.Builder#readyTimeout how long storage may take to answer a readiness
 *       check} (503 beyond)</td></tr>
 *   <tr><td>{@code request-log}</td><td>{@code true}</td>
 *       <td>{@link PlasmidServletOptions.Builder#requestLog whether the servlet writes an access-log line per
 *       request}</td></tr>
 * </table>
 * A request body that arrives slower than its minimum rate once the grace period is over, or not whole
 * by its deadline, is answered 408 with {@code {"error", "reason": "timeout"}} and
 * {@code Connection: close}, and its connection is closed; a long-poll beyond a cap is answered 503 with
 * {@code Retry-After}; a guest creation beyond its address's limit, 429 with {@code Retry-After} and
 * {@code {"error", "reason": "throttled"}}. A {@code ?wait} of up to 60 seconds is accepted (older clients
 * ask for that), but a poll is held no longer than the maximum wait: keep that below the container's
 * idle timeout (Jetty's default is 30 s), which the servlet cannot read, or a held poll may be cut
 * without an answer. The servlet keeps one daemon timer thread (it ends waits and watches slow bodies),
 * started by {@link #init()} and ended by {@link #destroy()}.
 *
 * <h2>Failed authentication is throttled</h2>
 * After {@value PlasmidServletOptions#DEFAULT_MAX_AUTH_FAILURES_PER_ACCESS} failed authentications of one
 * access token, or {@value PlasmidServletOptions#DEFAULT_MAX_AUTH_FAILURES_PER_ADDRESS} from one client
 * address, within {@value PlasmidServletOptions#DEFAULT_AUTH_FAILURE_WINDOW_SECONDS} seconds (by default),
 * further attempts are answered 429 with
 * {@code Retry-After} (seconds) and {@code {"error", "reason": "throttled"}}, without checking the secret,
 * until that window is over; then they are checked again, so nobody is locked out for good. Addresses
 * a token has authenticated from in the last day are exempt from its per-token limit, so guessing its
 * secret from elsewhere does not lock its owner's devices out. Unknown tokens are counted exactly like
 * existing ones. Memory is bounded (at most 100,000 tokens and addresses are tracked). The address is
 * {@link HttpServletRequest#getRemoteAddr()}: behind a reverse proxy, have the container report the
 * client's address (Jetty: {@code ForwardedRequestCustomizer}), or all clients share the proxy's limit.
 *
 * <h2>Health, metrics, request ids</h2>
 * {@code GET {mount}/health/live} and {@code GET {mount}/health/ready} are answered without credentials
 * ({@code {"status": "up" | "down", "checks": {...}}}; ready is 503 while storage does not answer within
 * {@link PlasmidServletOptions#readyTimeout()} or the servlet is stopping). {@link PlasmidServletMetrics}
 * binds the servlet's meters to a Micrometer registry (an optional dependency). Every request has an id
 * ({@value #REQUEST_ID_ATTRIBUTE}), echoed in {@code X-Request-Id}, in JSON error bodies and in the log.
 *
 * <h2>Logging</h2>
 * One access-log line per request at INFO on the SLF4J logger {@code org.plasmid.servlet.RequestLog}
 * (method, path, status, bytes, access token, request id; never a secret), unless
 * {@link PlasmidServletOptions#requestLog()} is off; server faults at ERROR and the start of
 * an authentication block at WARN on {@code org.plasmid.servlet.PlasmidServlet} (naming the address, and
 * the access token only if it is an account).
 */
public class PlasmidServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The ServletContext attribute a hub is taken from when none was given to the constructor. */
    public static final String HUB_ATTRIBUTE = "org.plasmid.hub";
    /** Servlet init-param naming another ServletContext attribute to take the hub from. */
    public static final String HUB_ATTRIBUTE_PARAM = "hub-attribute";
    // The init-params of the options, kept for code that names them; PlasmidServletOptions declares them all.
    /** Init-param of {@link PlasmidServletOptions.Builder#maxBodyBytes}. */
    public static final String MAX_BODY_BYTES_PARAM = PlasmidServletOptions.MAX_BODY_BYTES.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#maxValueBytes}. */
    public static final String MAX_VALUE_BYTES_PARAM = PlasmidServletOptions.MAX_VALUE_BYTES.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#maxDepth}. */
    public static final String MAX_DEPTH_PARAM = PlasmidServletOptions.MAX_DEPTH.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#maxHeldPolls}. */
    public static final String MAX_HELD_POLLS_PARAM = PlasmidServletOptions.MAX_HELD_POLLS.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#corsAllowedOrigins}. */
    public static final String CORS_ALLOWED_ORIGINS_PARAM = PlasmidServletOptions.CORS_ALLOWED_ORIGINS.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#maxAuthFailuresPerAccess}. */
    public static final String AUTH_FAILURES_PER_ACCESS_PARAM =
            PlasmidServletOptions.MAX_AUTH_FAILURES_PER_ACCESS.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#maxAuthFailuresPerAddress}. */
    public static final String AUTH_FAILURES_PER_ADDRESS_PARAM =
            PlasmidServletOptions.MAX_AUTH_FAILURES_PER_ADDRESS.param();
    /** Init-param of {@link PlasmidServletOptions.Builder#authFailureWindow}. */
    public static final String AUTH_FAILURE_WINDOW_SECONDS_PARAM = PlasmidServletOptions.AUTH_FAILURE_WINDOW.param();

    /**
     * The request attribute holding a request's id: a container or filter that assigns ids sets it before
     * the servlet runs and the servlet uses that id; otherwise the servlet sets it (from a sane
     * {@code X-Request-Id} the client sent, or a new id), so that the container's access log can show it.
     */
    public static final String REQUEST_ID_ATTRIBUTE = "org.plasmid.requestId";

    /**
     * The request attribute the servlet sets to the access token a request authenticated as (never a
     * secret), so that the container's access log can show who it was.
     */
    public static final String ACCESS_ATTRIBUTE = "org.plasmid.access";

    /** The name of the servlet's timer thread starts with this, followed by the servlet's name. */
    static final String TIMER_THREAD_PREFIX = "plasmid-timer-";

    private final transient PlasmidHub givenHub;
    private final transient PlasmidServletOptions givenOptions;
    private transient PlasmidHub hub;
    private transient Cors cors;
    private transient ScheduledThreadPoolExecutor timer;
    private transient volatile Thread timerThread;
    private transient LongPolls polls;
    private transient BodyIntake intake;
    private transient Endpoints endpoints;
    private transient Authentication authentication;
    private transient PlasmidServletOptions options;
    private transient Health health;
    private final transient ServletObserver.Slot observers = new ServletObserver.Slot();
    private transient volatile boolean stopping;

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
        options = givenOptions != null ? givenOptions : InitParams.options(getServletConfig());
        cors = new Cors(options.corsAllowedOrigins());
        authentication = new Authentication(hub, options, observers);
        timer = newTimer(getServletName());
        polls = new LongPolls(options, timer);
        intake = new BodyIntake(options, timer);
        endpoints = new Endpoints(options, polls, intake);
        health = new Health(hub, options.readyTimeout(), () -> stopping, getServletName());
    }

    /** Tells {@code observer} what this servlet does from now on (see {@link PlasmidServletMetrics}). */
    void observe(ServletObserver observer) {
        observers.add(observer);
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

    /**
     * The servlet's one timer thread (a daemon), which ends long-poll waits; {@link #destroy()} ends it, so
     * that a web application that stops leaves no thread of ours behind.
     */
    private ScheduledThreadPoolExecutor newTimer(String servletName) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, TIMER_THREAD_PREFIX + servletName);
            thread.setDaemon(true);
            timerThread = thread;
            return thread;
        });
        t.setRemoveOnCancelPolicy(true); // a poll answered early leaves nothing in the queue
        return t;
    }

    /** Wakes the long-polls still held so they are answered, and ends the servlet's timer; the hub stays open. */
    @Override
    public void destroy() {
        answerHeldPolls();
        if (health != null) {
            health.close();
        }
        if (timer != null) {
            timer.shutdownNow();
            try {
                Thread thread = timerThread;
                // the pool reports termination a moment before its thread has ended, and Tomcat looks for
                // threads its application left running right after destroy: wait for the thread itself
                if (timer.awaitTermination(5, TimeUnit.SECONDS) && thread != null) {
                    thread.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Prepares for a graceful stop: answers every long-poll this servlet holds now, with what there is
     * (usually nothing new), and from then on answers long-polls at once instead of holding them; the
     * clients simply poll again. Everything else is served as before. A container that stops gracefully
     * waits for the requests in flight, and a long-poll may wait up to the
     * {@link PlasmidServletOptions#maxWait() maximum wait} for a change, so call this as the stop begins
     * (the standalone plasmidctl server does), or held polls hold the stop up until they end by
     * themselves. Harmless to call more than once.
     */
    public void answerHeldPolls() {
        stopping = true; // not ready any more: a load balancer stops sending clients here
        if (polls != null) {
            polls.wakeAll();
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Exchange ex = new Exchange(req, resp, observers, options.requestLog());
        boolean async = false;
        try {
            resp.setHeader("Cache-Control", "no-store");
            String path = path(req);
            if (HEALTH_LIVE.equals(path) || HEALTH_READY.equals(path)) {
                health(ex, path);
                return;
            }
            boolean corsAllowed = cors.decorate(req, resp);
            Route.Match match = Route.match(req.getMethod(), path);
            if (!match.pathKnown()) {
                ex.send(Answers.notFound("no such endpoint: see PROTOCOL.md for the v1 API"));
            } else if (req.getMethod().equals("OPTIONS")) {
                options(ex, match.allowedMethods(), corsAllowed);
            } else if (match.route() == null) {
                ex.send(Answers.methodNotAllowed(match.allowedMethods()));
            } else {
                if (match.route().endpoint() == Route.Endpoint.PUSH) {
                    ex.isPush();
                }
                async = Responder.run(ex, () -> endpoints.serve(ex, authentication.check(ex), match.route()));
            }
        } finally {
            if (!async) {
                ex.finished();
            }
        }
    }

    /** The liveness check's path under the servlet: answered without credentials. */
    static final String HEALTH_LIVE = "/health/live";
    /** The readiness check's path under the servlet: answered without credentials. */
    static final String HEALTH_READY = "/health/ready";

    /** {@code GET health/live} and {@code GET health/ready}, without credentials ({@link Health}). */
    private void health(Exchange ex, String path) throws IOException {
        String method = ex.request().getMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            ex.send(path.equals(HEALTH_LIVE) ? health.live() : health.ready());
        } else if (method.equals("OPTIONS")) {
            options(ex, List.of("GET", "HEAD"), false);
        } else {
            ex.send(Answers.methodNotAllowed(List.of("GET", "HEAD")));
        }
    }

    /** @return how many long-polls this servlet holds right now (for tests and monitoring) */
    int heldPolls() {
        LongPolls p = polls;
        return p == null ? 0 : p.held();
    }

    /** @return how many request bodies are being read asynchronously right now (for tests and monitoring) */
    int bodiesBeingRead() {
        return intake.reading();
    }

    /** @return how many access tokens and client addresses the poll caps count now: 0 when none is held */
    int pollCountsTracked() {
        return polls.tracked();
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
