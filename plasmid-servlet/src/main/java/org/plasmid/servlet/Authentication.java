package org.plasmid.servlet;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
    private final ServletObserver observer;
    private final AuthThrottle throttle;
    private final byte[] flightKey = new byte[32];
    /** One keyed HMAC per thread: looking up and keying a {@link Mac} on every request cost more than using it. */
    private final ThreadLocal<Mac> fingerprints = ThreadLocal.withInitial(this::keyedMac);
    private final ConcurrentHashMap<String, CompletableFuture<ClientSession>> inFlight = new ConcurrentHashMap<>();

    Authentication(PlasmidHub hub, PlasmidServletOptions options, ServletObserver observer) {
        this.hub = hub;
        this.options = options;
        this.observer = observer;
        this.throttle = AuthThrottle.of(options);
        new SecureRandom().nextBytes(flightKey);
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
        try {
            ClientSession session = checkCredentials(ex);
            observer.authenticated(ServletObserver.Authenticated.SUCCESS);
            return session;
        } catch (RequestException e) {
            if (e.answer().status() == 429) {
                observer.authenticated(ServletObserver.Authenticated.THROTTLED);
            } else if (ex.request().getHeader("Authorization") != null) {
                observer.authenticated(ServletObserver.Authenticated.FAILURE);
            } // a request without credentials was not an attempt
            throw e;
        }
    }

    private ClientSession checkCredentials(Exchange ex) throws RequestException {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(ex.request().getHeader("Authorization"));
        if (credentials.isEmpty()) {
            throw new RequestException(Answers.unauthorized());
        }
        String access = credentials.get().access();
        String secret = credentials.get().secret();
        // A secret the server generated (one SHA-256; it cannot be guessed) or one already confirmed by a
        // slow check (one more SHA-256) takes no place among the throttle's checks in progress and is no attempt:
        // a reconnect storm of such devices behind one address never waits for slow checks of chosen
        // secrets, and a known device's every request costs two hashes. A token or address that failures
        // have throttled is refused before anything is looked at, as always.
        if (!throttle.blocked(access, ex.request().getRemoteAddr())) {
            Optional<ClientSession> quick = hub.authenticateQuickly(access, secret);
            if (quick.isPresent()) {
                throttle.succeeded(access, ex.request().getRemoteAddr());
                ex.authenticated(access);
                return quick.get();
            }
        }
        // Requests that present the same token and secret while one of them is being checked share that
        // check: a burst of devices after a restart is one attempt, not a thousand counted against the
        // token and address (a different secret is a different attempt, and is counted on its own).
        String flight = access + '\u0000' + fingerprint(access, secret);
        CompletableFuture<ClientSession> mine = new CompletableFuture<>();
        CompletableFuture<ClientSession> running = inFlight.putIfAbsent(flight, mine);
        ClientSession session;
        if (running != null) {
            session = await(running);
        } else {
            try {
                session = checkThrottled(ex, access, secret);
                mine.complete(session);
            } catch (RequestException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                inFlight.remove(flight, mine);
            }
        }
        ex.authenticated(session.access());
        return session;
    }

    private ClientSession checkThrottled(Exchange ex, String access, String secret) throws RequestException {
        AuthThrottle.Attempt attempt;
        try {
            attempt = throttle.begin(access, ex.request().getRemoteAddr());
        } catch (AuthThrottle.Refused e) {
            throw new RequestException(Answers.throttled(e.retryAfterSeconds()));
        }
        AuthThrottle.Outcome outcome = AuthThrottle.Outcome.ABANDONED; // if the check itself fails
        try {
            Optional<ClientSession> session = hub.authenticate(access, secret);
            outcome = session.isPresent() ? AuthThrottle.Outcome.SUCCEEDED : AuthThrottle.Outcome.FAILED;
            if (session.isEmpty()) {
                throw new RequestException(Answers.unauthorized());
            }
            return session.get();
        } finally {
            Set<AuthThrottle.Limit> blocked = attempt.settle(outcome);
            if (!blocked.isEmpty()) {
                warnBlocked(ex, access, blocked);
            }
        }
    }

    /** The answer of a check of the same credentials that another request is making. */
    private static ClientSession await(CompletableFuture<ClientSession> running) throws RequestException {
        try {
            return running.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RequestException r) {
                throw new RequestException(r.answer());
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** An HMAC of the secret under a key of this process: never stored, never logged. */
    private String fingerprint(String access, String secret) {
        Mac mac = fingerprints.get();
        mac.reset(); // doFinal resets it too; this also clears what a failed call may have left
        mac.update(access.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac keyedMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(flightKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
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
