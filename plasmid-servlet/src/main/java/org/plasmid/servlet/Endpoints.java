package org.plasmid.servlet;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.plasmid.core.AccountResult;
import org.plasmid.core.ClientSession;
import org.plasmid.core.PullResult;
import org.plasmid.core.PushResult;

/**
 * The endpoints of PROTOCOL.md §4–5, for an authenticated client: each parses its request, calls the
 * permission-checked {@link ClientSession}, and writes the answer. No sync rule lives here.
 */
final class Endpoints {
    /** Longest wait a client may ask for, in seconds (PROTOCOL.md §4); the hold is at most the maximum wait. */
    static final int MAX_WAIT_SECONDS = 60;

    private final RequestBodies bodies;
    private final LongPolls polls;
    private final BodyIntake intake;
    private final GuestThrottle guests;
    private final int missedChangesBudget;

    Endpoints(PlasmidServletOptions options, LongPolls polls, BodyIntake intake) {
        this.missedChangesBudget = options.outOfDateUpdatesBytes();
        this.bodies = new RequestBodies(options);
        this.polls = polls;
        this.intake = intake;
        this.guests = GuestThrottle.of(options);
    }

    /**
     * @param ex the request
     * @param session the authenticated client
     * @param route the endpoint and path parameters
     * @return whether the request went asynchronous
     * @throws IOException if writing fails
     * @throws RequestException to refuse the request
     */
    boolean serve(Exchange ex, ClientSession session, Route route) throws IOException, RequestException {
        switch (route.endpoint()) {
            case INFO:
                ex.send(Answers.info(session.info(route.param(0))));
                return false;
            case CLONE:
                CloneStream clone = new CloneStream(ex);
                clone.finish(session.clone(route.param(0), clone));
                return false;
            case PULL:
                return pull(ex, session, route.param(0), route.param(1));
            case PUSH:
                return intake.read(ex, body -> {
                    RequestBodies.Push push = bodies.push(body);
                    String database = route.param(0);
                    PushResult result = session.push(database, push.lastRevision(), push.changes(), push.pushId());
                    MissedChanges missed = result.status() == PushResult.Status.OUT_OF_DATE
                            ? MissedChanges.collect(session, database, push.lastRevision(), missedChangesBudget)
                            : null;
                    ex.send(Answers.pushed(result, push.lastRevision(), missed));
                });
            case CREATE_CREDENTIALS:
                return intake.read(ex, body -> ex.send(createCredentials(ex, session,
                        bodies.strings(body, Set.of("access", "secret", "type")))));
            case LIST_GRANTS:
                ex.send(Answers.grants(session.grants(route.param(0))));
                return false;
            case GRANT:
                return intake.read(ex, body -> {
                    Map<String, String> g = bodies.strings(body, Set.of("permission", "resource", "value"));
                    ex.send(Answers.account(session.grant(route.param(0), g.get("permission"), g.get("resource"),
                            g.get("value"))));
                });
            case REVOKE:
                ex.send(Answers.account(session.revoke(route.param(0), route.param(1), route.param(2))));
                return false;
            default:
                throw new IllegalStateException("unrouted endpoint " + route.endpoint());
        }
    }

    private boolean pull(Exchange ex, ClientSession session, String database, String rev)
            throws IOException, RequestException {
        long since = revision(rev);
        int limit = limit(ex.request().getParameter("limit"));
        long waitMillis = waitMillis(ex.request().getParameter("wait"));
        Responder.Action answer = () -> {
            PullStream stream = new PullStream(ex, since);
            PullResult result = session.pull(database, since, limit, stream);
            stream.finish(result);
            return false;
        };
        if (waitMillis > 0) {
            CompletableFuture<Long> change = session.awaitChange(database, since); // checks ReadDatabase
            if (!change.isDone() && polls.hold(ex, change, waitMillis, answer)) {
                return true;
            }
            change.cancel(false);
        }
        return answer.run();
    }

    /** {@code POST a/}; guests only as many per client address and window as {@link GuestThrottle} allows. */
    private Answer createCredentials(Exchange ex, ClientSession session, Map<String, String> f)
            throws RequestException {
        String type = f.get("type");
        if (type == null) {
            return Answers.account(session.createCredentials(f.get("access"), f.get("secret"), false));
        }
        if (!type.equals("guest")) {
            return Answers.refused(AccountResult.Refusal.INVALID, "type must be \"guest\" or absent");
        }
        GuestThrottle.Creation creation = guests.begin(ex.request().getRemoteAddr());
        boolean created = false;
        try {
            AccountResult result = session.createCredentials(f.get("access"), f.get("secret"), true);
            created = result.succeeded();
            return Answers.account(result);
        } finally {
            creation.settle(created);
        }
    }

    /** A path revision: a non-negative decimal integer. */
    static long revision(String text) throws RequestException {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw RequestException.badRequest("revision must be a non-negative integer, got '" + shorten(text) + "'");
        }
        return Long.parseLong(text);
    }

    /** {@code ?limit=N}: absent for no limit, else a positive integer. */
    static int limit(String text) throws RequestException {
        if (text == null) {
            return 0;
        }
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) == 0) {
            throw RequestException.badRequest("limit must be a positive integer, got '" + shorten(text) + "'");
        }
        return Integer.parseInt(text);
    }

    /** {@code ?wait=S}: absent for no wait, else seconds with 0 &lt; S &le; 60 (fractions allowed). */
    static long waitMillis(String text) throws RequestException {
        if (text == null) {
            return 0;
        }
        BigDecimal seconds;
        try {
            seconds = text.length() > 20 ? null : new BigDecimal(text);
        } catch (NumberFormatException e) {
            seconds = null;
        }
        if (seconds == null || seconds.signum() <= 0 || seconds.compareTo(BigDecimal.valueOf(MAX_WAIT_SECONDS)) > 0) {
            throw RequestException.badRequest("wait must be a number of seconds above 0 and at most "
                    + MAX_WAIT_SECONDS + ", got '" + shorten(text) + "'");
        }
        return Math.max(1, seconds.movePointRight(3).longValue());
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
