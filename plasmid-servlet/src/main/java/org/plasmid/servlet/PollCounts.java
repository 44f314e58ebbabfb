package org.plasmid.servlet;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the long-polls held, in all, per access token and per client address (IPv6 by /64, as
 * {@link AuthThrottle} counts them), so that no one token or address can hold the server's whole
 * allowance. A poll takes a {@link Slot} before it is held and gives it back exactly once, however it
 * ends; a token or address holding none is forgotten, so the counts never outgrow the polls held.
 *
 * <p>Thread-safe.
 */
final class PollCounts {
    private final int maxTotal;
    private final int maxPerAccess;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> byAccess = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();

    /**
     * @param maxTotal polls held at once in all
     * @param maxPerAccess polls held at once per access token
     * @param maxPerAddress polls held at once per client address
     */
    PollCounts(int maxTotal, int maxPerAccess, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAccess = maxPerAccess;
        this.maxPerAddress = maxPerAddress;
    }

    /** One held poll's place in the counts. */
    final class Slot {
        private final String access;
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(String access, String address) {
            this.access = access;
            this.address = address;
        }

        /** Gives the place back; only the first call counts. */
        void release() {
            if (released.compareAndSet(false, true)) {
                decrement(byAddress, address);
                decrement(byAccess, access);
                total.decrementAndGet();
            }
        }
    }

    /**
     * @param access the access token the poll authenticated as
     * @param remoteAddress the client's address, as the container reports it
     * @return the poll's place, to release when it ends
     * @throws RequestException 503 with {@code Retry-After} if a cap is reached
     */
    Slot acquire(String access, String remoteAddress) throws RequestException {
        String address = AuthThrottle.addressKey(remoteAddress);
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            throw refusal("too many long-polls are waiting; retry later");
        }
        if (!increment(byAccess, access, maxPerAccess)) {
            total.decrementAndGet();
            throw refusal("this access token holds too many long-polls; retry later");
        }
        if (!increment(byAddress, address, maxPerAddress)) {
            decrement(byAccess, access);
            total.decrementAndGet();
            throw refusal("this client address holds too many long-polls; retry later");
        }
        return new Slot(access, address);
    }

    /** @return how many polls are held */
    int held() {
        return total.get();
    }

    /** @return how many tokens and addresses are counted (none once no poll is held) */
    int tracked() {
        return byAccess.size() + byAddress.size();
    }

    private static boolean increment(ConcurrentHashMap<String, Integer> counts, String key, int max) {
        boolean[] taken = new boolean[1];
        counts.compute(key, (k, n) -> {
            int held = n == null ? 0 : n;
            taken[0] = held < max;
            return taken[0] ? held + 1 : n;
        });
        return taken[0];
    }

    private static void decrement(ConcurrentHashMap<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static RequestException refusal(String message) {
        return new RequestException(Answers.unavailable(message));
    }
}
