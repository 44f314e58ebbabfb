package org.plasmid.servlet;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Limits failed authentication, per access token and per client address, so that secrets cannot be
 * guessed at speed (and the slow secret hash cannot be used to burn the server's CPU).
 *
 * <h2>The rule</h2>
 * Each access token and each client address may make at most {@code max} failed attempts in a window
 * that starts with its first attempt and lasts {@code window}; attempts still being checked count too, so
 * that a burst of parallel guesses gets no more tries than a sequence. Once a token or address has used
 * up its attempts, further attempts are refused <em>without checking the secret</em> until its window
 * ends ({@link #begin} names the seconds left); then it starts afresh. A block therefore always ends.
 *
 * <p>When attempts still being checked are all that use up a limit (many devices behind one address
 * reconnecting at once), a new attempt waits for one of them to end, up to the servlet's
 * {@code auth-queue-seconds}, instead of being refused: a success gives its attempt back, so valid
 * credentials get in; a failure counts, and once failures use the limit up, the waiting attempts are
 * refused without being checked. No more attempts are ever checked at once than the limit.
 *
 * <p>A successful authentication takes back its own attempt, and makes its address <em>known</em> for
 * its token for {@value #KNOWN_HOURS} hours: the per-token limit does not apply between a token and its
 * known addresses, so an attacker guessing one token's secret from elsewhere cannot lock its owner's
 * devices out. (Their per-address limit still applies.) A success does not wipe the failures others made:
 * every request authenticates, so an owner who syncs often would otherwise reset the count for them.
 * Unknown tokens are counted exactly like existing ones, so the throttle does not tell them apart.
 *
 * <h2>Addresses</h2>
 * IPv4 addresses count one by one; IPv6 addresses count by their /64 prefix, which one host or network
 * usually holds whole. Behind a reverse proxy the container must report the client's address (Jetty:
 * {@code ForwardedRequestCustomizer}), or every client shares the proxy's.
 *
 * <h2>Memory</h2>
 * At most {@value #MAX_TRACKED} tokens, {@value #MAX_TRACKED} addresses and {@value #MAX_TRACKED}
 * known (token, address) pairs are remembered, the least recently used forgotten first, and counts are
 * forgotten once their window is over: an attacker cannot grow it without bound.
 *
 * <p>Thread-safe.
 */
final class AuthThrottle {
    static final int MAX_TRACKED = 100_000;
    static final int KNOWN_HOURS = 24;
    /** Keys longer than this are cut (tokens are at most 128 characters; longer ones are invalid anyway). */
    private static final int MAX_KEY_LENGTH = 129;

    /** How long one wait lasts before the attempt looks again (a missed signal costs no more). */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Ticker ticker;
    private final long inProgressWaitNanos;
    private final WindowCounts byAccess;
    private final WindowCounts byAddress;
    private final Cache<String, Boolean> known;

    /** What happened to an attempt whose secret was checked, or could not be. */
    enum Outcome {
        /** The secret was right. */
        SUCCEEDED,
        /** The secret was wrong, or the token unknown. */
        FAILED,
        /** The check could not be made (the storage failed, the hub closed): it counts for nothing. */
        ABANDONED
    }

    /** The two limits. */
    enum Limit {
        /** Failed attempts per access token. */
        ACCESS,
        /** Failed attempts per client address. */
        ADDRESS
    }

    /**
     * @param maxPerAccess failed attempts allowed per token and window
     * @param maxPerAddress failed attempts allowed per client address and window
     * @param window how long a window lasts from its first attempt
     * @param maxTracked how many tokens, addresses and known pairs to remember at most, each
     * @param ticker the clock (tests pass a fake one)
     */
    AuthThrottle(int maxPerAccess, int maxPerAddress, Duration window, int maxTracked, Ticker ticker) {
        this(maxPerAccess, maxPerAddress, window, maxTracked, ticker, Duration.ZERO);
    }

    /**
     * @param inProgressWait how long an attempt may wait for attempts in progress to end (zero: refused
     *     at once)
     */
    AuthThrottle(int maxPerAccess, int maxPerAddress, Duration window, int maxTracked, Ticker ticker,
            Duration inProgressWait) {
        this.ticker = ticker;
        this.inProgressWaitNanos = inProgressWait.toNanos();
        this.byAccess = new WindowCounts(maxPerAccess, window, maxTracked, ticker);
        this.byAddress = new WindowCounts(maxPerAddress, window, maxTracked, ticker);
        this.known = CacheBuilder.newBuilder().maximumSize(maxTracked)
                .expireAfterAccess(Duration.ofHours(KNOWN_HOURS)).ticker(ticker).build();
    }

    /**
     * @param options the servlet's options
     * @return the throttle they describe, on the system clock
     */
    static AuthThrottle of(PlasmidServletOptions options) {
        return new AuthThrottle(options.maxAuthFailuresPerAccess(), options.maxAuthFailuresPerAddress(),
                options.authFailureWindow(), MAX_TRACKED, Ticker.systemTicker(), options.authQueueWait());
    }

    /** An admitted attempt, to be settled once its secret has been checked. */
    final class Attempt {
        private final String access;
        private final String address;
        private final boolean countsForAccess;
        private boolean settled;

        private Attempt(String access, String address, boolean countsForAccess) {
            this.access = access;
            this.address = address;
            this.countsForAccess = countsForAccess;
        }

        /**
         * @param outcome how the check went
         * @return the limits this failure used up (each is then blocked until its window ends); usually none
         */
        Set<Limit> settle(Outcome outcome) {
            if (settled) {
                throw new IllegalStateException("attempt settled twice");
            }
            settled = true;
            Set<Limit> blocked = EnumSet.noneOf(Limit.class);
            if (byAddress.settle(address, outcome == Outcome.FAILED)) {
                blocked.add(Limit.ADDRESS);
            }
            if (countsForAccess && byAccess.settle(access, outcome == Outcome.FAILED)) {
                blocked.add(Limit.ACCESS);
            }
            if (outcome == Outcome.SUCCEEDED) {
                known.put(pair(access, address), Boolean.TRUE);
            }
            return blocked;
        }
    }

    /** An attempt refused because its token or address has used up its attempts. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final long retryAfterSeconds;

        Refused(long retryAfterSeconds) {
            super("throttled for " + retryAfterSeconds + " s", null, false, false);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        /** @return whole seconds until an attempt may be made again (at least 1) */
        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * Admits an attempt to authenticate, counting it until it is settled.
     *
     * @param access the access token presented
     * @param remoteAddress the client's address, as the container reports it
     * @return the attempt, to settle once its secret is checked
     * @throws Refused if the token or the address must wait: check no secret then
     */
    Attempt begin(String access, String remoteAddress) throws Refused {
        String accessKey = accessKey(access);
        String addressKey = addressKey(remoteAddress);
        boolean countsForAccess = known.getIfPresent(pair(accessKey, addressKey)) == null;
        long deadline = System.nanoTime() + inProgressWaitNanos;
        while (true) {
            long now = ticker.read();
            WindowCounts limiting = byAddress;
            long wait = byAddress.admit(addressKey, now);
            if (wait == 0 && countsForAccess) {
                limiting = byAccess;
                wait = byAccess.admit(accessKey, now);
                if (wait > 0) {
                    byAddress.release(addressKey); // refused before checking: it costs the address nothing
                }
            }
            if (wait == 0) {
                return new Attempt(accessKey, addressKey, countsForAccess);
            }
            // Used up only by attempts still being checked (a burst of devices, many behind one address):
            // wait for them to end — a success gives its attempt back — rather than refuse valid
            // credentials. Guesses gain nothing: no more are checked at once than the allowance, and
            // once failures use it up, the waiting attempts are refused until the window ends.
            long left = deadline - System.nanoTime();
            if (wait != WindowCounts.IN_PROGRESS || left <= 0 || !limiting.awaitEnded(Math.min(left, RECHECK_NANOS))) {
                throw new Refused(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L)));
            }
        }
    }

    /**
     * Whether failures have used up the token's or the address's attempts now, so that {@link #begin}
     * would refuse until the window ends (checks in progress aside). Counts nothing: what a caller asks
     * before a check that needs no throttle, so that a throttled attempt still checks nothing at all.
     *
     * @param access the access token presented
     * @param remoteAddress the client's address, as the container reports it
     */
    boolean blocked(String access, String remoteAddress) {
        String accessKey = accessKey(access);
        String addressKey = addressKey(remoteAddress);
        long now = ticker.read();
        return byAddress.usedUp(addressKey, now) || (known.getIfPresent(pair(accessKey, addressKey)) == null
                && byAccess.usedUp(accessKey, now));
    }

    /**
     * Records a success that took no attempt (a check that needs no throttle, made after
     * {@link #blocked} said no): like a settled success, it makes the address one the token's owner is
     * known at, so failures against the token from elsewhere do not lock this device out.
     *
     * @param access the access token that authenticated
     * @param remoteAddress the client's address
     */
    void succeeded(String access, String remoteAddress) {
        String pair = pair(accessKey(access), addressKey(remoteAddress));
        if (known.getIfPresent(pair) == null) {
            known.put(pair, Boolean.TRUE);
        }
    }

    /** @return how many tokens, addresses and known pairs are remembered (for tests and monitoring) */
    long tracked() {
        return byAccess.size() + byAddress.size() + known.size();
    }

    /** Drops what has expired now rather than at the next write (for tests). */
    void cleanUp() {
        byAccess.cleanUp();
        byAddress.cleanUp();
        known.cleanUp();
    }

    private static String accessKey(String access) {
        return access.length() > MAX_KEY_LENGTH ? access.substring(0, MAX_KEY_LENGTH) : access;
    }

    private static String pair(String access, String address) {
        return access + "\n" + address;
    }

    /** IPv6 addresses by their /64 prefix; everything else as given. Never a DNS lookup. */
    static String addressKey(String remoteAddress) {
        if (remoteAddress == null) {
            return "";
        }
        String a = remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
                ? remoteAddress.substring(1, remoteAddress.length() - 1) : remoteAddress;
        if (a.indexOf(':') < 0) {
            return a;
        }
        try {
            InetAddress parsed = InetAddress.getByName(a); // an IPv6 literal: parsed, not looked up
            if (parsed instanceof Inet6Address) {
                byte[] b = parsed.getAddress();
                StringBuilder key = new StringBuilder();
                for (int i = 0; i < 8; i += 2) {
                    key.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
                }
                return key.append(":/64").toString();
            }
            return parsed.getHostAddress(); // an IPv4-mapped address
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
