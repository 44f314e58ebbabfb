package org.plasmid.servlet;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.plasmid.core.PlasmidHubMetrics;

/**
 * The servlet's meters, bound to a Micrometer {@link MeterRegistry}: pushes refused (a 4xx answer),
 * authentications by outcome, long-polls held and how they ended, and storage faults answered 503. Names
 * and tags are declared here, once (the README's "Monitoring" table lists them); the engine's own meters
 * are {@link PlasmidHubMetrics}'s, bound to the hub.
 *
 * <pre>{@code
 * PlasmidServlet servlet = new PlasmidServlet(hub);
 * new PlasmidServletMetrics(servlet).bindTo(registry);   // before or after the servlet's init
 * new PlasmidHubMetrics(hub).bindTo(registry);
 * }</pre>
 *
 * <p>Micrometer is an optional dependency: this class is the servlet's only one that uses it, and a servlet
 * that none was bound to records nothing and never loads a Micrometer class.
 */
public final class PlasmidServletMetrics implements MeterBinder {
    /** Counter, tag {@value PlasmidHubMetrics#OUTCOME}: requests that carried credentials, by how they fared. */
    public static final String AUTHENTICATIONS = "plasmid.authentications";
    /** Authentication outcome: the credentials were right. */
    public static final String SUCCESS = "success";
    /** Authentication outcome: wrong or malformed credentials, or an unknown token (401). */
    public static final String FAILURE = "failure";
    /** Authentication outcome: refused unchecked, its token or address had failed too often (429). */
    public static final String THROTTLED = "throttled";
    /** Gauge: long-polls held right now. */
    public static final String POLLS_HELD = "plasmid.polls.held";
    /** Counter, tag {@value PlasmidHubMetrics#OUTCOME}: held long-polls answered, by why. */
    public static final String POLLS_ANSWERED = "plasmid.polls.answered";
    /** Long-poll outcome: a push landed. */
    public static final String PUSH = "push";
    /** Long-poll outcome: the wait ran out (or the server was stopping). */
    public static final String TIMEOUT = "timeout";
    /** Counter: requests answered 503 because storage failed or the hub was closed. */
    public static final String STORAGE_FAULTS = "plasmid.storage.faults";

    private final PlasmidServlet servlet;

    /** @param servlet the servlet to record */
    public PlasmidServletMetrics(PlasmidServlet servlet) {
        this.servlet = Objects.requireNonNull(servlet, "servlet");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Counter refused = PlasmidHubMetrics.pushes(registry, PlasmidHubMetrics.REFUSED);
        Map<ServletObserver.Authenticated, Counter> auth = new EnumMap<>(ServletObserver.Authenticated.class);
        auth.put(ServletObserver.Authenticated.SUCCESS, authentications(registry, SUCCESS));
        auth.put(ServletObserver.Authenticated.FAILURE, authentications(registry, FAILURE));
        auth.put(ServletObserver.Authenticated.THROTTLED, authentications(registry, THROTTLED));
        Map<ServletObserver.PollEnd, Counter> polls = new EnumMap<>(ServletObserver.PollEnd.class);
        polls.put(ServletObserver.PollEnd.PUSH, answered(registry, PUSH));
        polls.put(ServletObserver.PollEnd.TIMEOUT, answered(registry, TIMEOUT));
        Counter faults = Counter.builder(STORAGE_FAULTS)
                .description("requests answered 503 because storage failed or the hub was closed").register(registry);
        Gauge.builder(POLLS_HELD, servlet, PlasmidServlet::heldPolls).description("long-polls held right now")
                .register(registry);

        servlet.observe(new ServletObserver() {
            @Override
            public void authenticated(Authenticated outcome) {
                auth.get(outcome).increment();
            }

            @Override
            public void pollEnded(PollEnd end) {
                polls.get(end).increment();
            }

            @Override
            public void pushRefused() {
                refused.increment();
            }

            @Override
            public void storageFault() {
                faults.increment();
            }
        });
    }

    private static Counter authentications(MeterRegistry registry, String outcome) {
        return Counter.builder(AUTHENTICATIONS).tag(PlasmidHubMetrics.OUTCOME, outcome)
                .description("requests that carried credentials, by outcome: success, failure, throttled")
                .register(registry);
    }

    private static Counter answered(MeterRegistry registry, String outcome) {
        return Counter.builder(POLLS_ANSWERED).tag(PlasmidHubMetrics.OUTCOME, outcome)
                .description("held long-polls answered: push (a push landed) or timeout (the wait ran out)")
                .register(registry);
    }
}
