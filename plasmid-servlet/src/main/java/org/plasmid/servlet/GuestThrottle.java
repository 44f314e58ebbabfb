package org.plasmid.servlet;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Limits how many guest accounts ({@code POST a/} with {@code "type": "guest"}) may be created from one
 * client address (IPv6: one /64, as {@link AuthThrottle} counts) within a window, so that whoever may
 * create guests — often an app's sign-up account, whose secret is in every page — cannot fill the hub
 * with guest accounts and their databases. Only creations that succeed count; a refused one costs
 * nothing. Beyond the limit: 429 with {@code Retry-After}, until the window ends. Memory is bounded
 * ({@link WindowCounts}, at most {@value AuthThrottle#MAX_TRACKED} addresses).
 *
 * <p>Thread-safe.
 */
final class GuestThrottle {
    private final WindowCounts byAddress;
    private final Ticker ticker;

    /**
     * @param maxPerAddress guests created per client address and window
     * @param window how long a window lasts from its first creation
     * @param maxTracked how many addresses to remember at most
     * @param ticker the clock (tests pass a fake one)
     */
    GuestThrottle(int maxPerAddress, Duration window, int maxTracked, Ticker ticker) {
        this.byAddress = new WindowCounts(maxPerAddress, window, maxTracked, ticker);
        this.ticker = ticker;
    }

    /**
     * @param options the servlet's options
     * @return the throttle they describe, on the system clock
     */
    static GuestThrottle of(PlasmidServletOptions options) {
        return new GuestThrottle(options.maxGuestsPerAddress(), options.guestWindow(), AuthThrottle.MAX_TRACKED,
                Ticker.systemTicker());
    }

    /** An admitted creation, to be settled once it is done. */
    final class Creation {
        private final String address;
        private boolean settled;

        private Creation(String address) {
            this.address = address;
        }

        /** @param created whether a guest was created (only then does it count) */
        void settle(boolean created) {
            if (settled) {
                throw new IllegalStateException("creation settled twice");
            }
            settled = true;
            byAddress.settle(address, created);
        }
    }

    /**
     * Admits the creation of a guest.
     *
     * @param remoteAddress the client's address, as the container reports it
     * @return the creation, to settle once done
     * @throws RequestException 429 with {@code Retry-After} if the address has created its allowance of
     *     guests within the window
     */
    Creation begin(String remoteAddress) throws RequestException {
        String address = AuthThrottle.addressKey(remoteAddress);
        long wait = byAddress.admit(address, ticker.read());
        if (wait > 0) {
            throw new RequestException(Answers.throttled(
                    Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999L)),
                    "too many guest accounts were created from this address; retry later"));
        }
        return new Creation(address);
    }
}
