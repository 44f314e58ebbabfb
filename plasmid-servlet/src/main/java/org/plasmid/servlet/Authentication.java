package org.plasmid.servlet;

import java.util.Optional;
import java.util.Set;
import org.plasmid.core.ClientSession;
import org.plasmid.core.PlasmidHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a request's {@code Authorization: Basic} credentials into a permission-checked
 * {@link ClientSession}, throttling failed attempts ({@link AuthThrottle}) and logging, at WARN on
 * {@code org.plasmid.servlet.PlasmidServlet}, who is blocked.
 */
final class Authentication {
    private static final Logger LOG = LoggerFactory.getLogger(PlasmidServlet.class);

    private final PlasmidHub hub;
    private final PlasmidServletOptions options;
    private final AuthThrottle throttle;

    Authentication(PlasmidHub hub, PlasmidServletOptions options) {
        this.hub = hub;
        this.options = options;
        this.throttle = AuthThrottle.of(options);
    }

    /**
     * Checks the request's credentials, unless its access token or client address has used up its failed
     * attempts ({@link AuthThrottle}): then it is answered 429 and the secret is not even checked.
     *
     * @param ex the request
     * @return the client's session; the exchange records its access token for the log
     * @throws RequestException 401 for missing or wrong credentials, 429 when throttled
     */
    ClientSession check(Exchange ex) throws RequestException {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(ex.request().getHeader("Authorization"));
        if (credentials.isEmpty()) {
            throw new RequestException(Answers.unauthorized());
        }
        String access = credentials.get().access();
        AuthThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(access, ex.request().getRemoteAddr());
        } catch (AuthThrottle.Refused e) {
            throw new RequestException(Answers.throttled(e.retryAfterSeconds()));
        }
        AuthThrottle.Outcome outcome = AuthThrottle.Outcome.ABANDONED; // if the check itself fails
        try {
            Optional<ClientSession> session = hub.authenticate(access, credentials.get().secret());
            outcome = session.isPresent() ? AuthThrottle.Outcome.SUCCEEDED : AuthThrottle.Outcome.FAILED;
            if (session.isEmpty()) {
                throw new RequestException(Answers.unauthorized());
            }
            ex.authenticated(session.get().access());
            return session.get();
        } finally {
            Set<AuthThrottle.Limit> blocked = attempt.settle(outcome);
            if (!blocked.isEmpty()) {
                warnBlocked(ex, access, blocked);
            }
        }
    }

    /** Says who is throttled; an access token is named only if it is an account (never a mistyped secret). */
    private void warnBlocked(Exchange ex, String access, Set<AuthThrottle.Limit> blocked) {
        String window = options.authFailureWindow().toSeconds() + " s";
        if (blocked.contains(AuthThrottle.Limit.ADDRESS)) {
            LOG.warn("authentication throttled: client address {} had {} failed attempts within {}; it is refused "
                    + "(429) until that window ends", ex.request().getRemoteAddr(), options.maxAuthFailuresPerAddress(),
                    window);
        }
        if (blocked.contains(AuthThrottle.Limit.ACCESS)) {
            boolean account;
            try {
                account = hub.accounts().exists(access);
            } catch (RuntimeException e) {
                account = false;
            }
            LOG.warn("authentication throttled: {} had {} failed attempts within {} (the last from {}); it is "
                    + "refused (429) until that window ends, except from addresses it has authenticated from",
                    account ? "access token " + access : "an unknown access token",
                    options.maxAuthFailuresPerAccess(), window, ex.request().getRemoteAddr());
        }
    }
}
