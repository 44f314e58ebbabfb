package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.plasmid.servlet.AuthThrottle.Limit;
import org.plasmid.servlet.AuthThrottle.Outcome;

/** The throttle's rule on a fake clock: what is counted, when a block starts, how long it lasts. */
class AuthThrottleTest {
    private static final Duration WINDOW = Duration.ofSeconds(60);

    private static final class FakeTicker extends Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    private final FakeTicker clock = new FakeTicker();
    private final AuthThrottle throttle = new AuthThrottle(3, 5, WINDOW, AuthThrottle.MAX_TRACKED, clock);

    private Set<Limit> fail(String access, String address) throws AuthThrottle.Refused {
        return throttle.begin(access, address).settle(Outcome.FAILED);
    }

    private long refusedFor(String access, String address) {
        return assertThrows(AuthThrottle.Refused.class, () -> throttle.begin(access, address),
                access + " from " + address + " was admitted").retryAfterSeconds();
    }

    @Test
    void aToken_afterItsLastFailedAttempt_isRefused_forWhatIsLeftOfItsWindow_thenAdmittedAgain() throws Exception {
        assertEquals(Set.of(), fail("bob", "10.0.0.1"));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Set.of(), fail("bob", "10.0.0.2"));
        assertEquals(Set.of(Limit.ACCESS), fail("bob", "10.0.0.3"));
        assertEquals(50, refusedFor("bob", "10.0.0.4"));
        clock.advance(Duration.ofSeconds(49).plusMillis(1));
        assertEquals(1, refusedFor("bob", "10.0.0.4"), "part of a second left is one second");
        clock.advance(Duration.ofMillis(999));
        assertDoesNotThrow(() -> throttle.begin("bob", "10.0.0.4").settle(Outcome.SUCCEEDED));
        assertDoesNotThrow(() -> throttle.begin("alice", "10.0.0.4"));
    }

    @Test
    void refusedAttempts_doNotProlongTheBlock() throws Exception {
        for (int i = 0; i < 3; i++) {
            fail("bob", "10.0.0." + i);
        }
        for (int s = 0; s < 60; s++) {
            assertEquals(60 - s, refusedFor("bob", "10.0.1.1"));
            clock.advance(Duration.ofSeconds(1));
        }
        assertDoesNotThrow(() -> throttle.begin("bob", "10.0.1.1"));
    }

    @Test
    void anAddress_afterItsLastFailedAttempt_isRefused_forEveryToken_whileOthersAreAdmitted() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals(Set.of(), fail("guess" + i, "10.0.0.9"));
        }
        assertEquals(Set.of(Limit.ADDRESS), fail("guess4", "10.0.0.9"));
        assertEquals(60, refusedFor("alice", "10.0.0.9"));
        assertDoesNotThrow(() -> throttle.begin("alice", "10.0.0.8"));
    }

    @Test
    void attemptsStillBeingChecked_count_soAParallelBurstGetsNoMoreTries() throws Exception {
        List<AuthThrottle.Attempt> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(throttle.begin("bob", "10.0.0." + i));
        }
        assertEquals(1, refusedFor("bob", "10.0.0.7"), "wait a moment: attempts are being checked");
        inFlight.get(0).settle(Outcome.SUCCEEDED);
        AuthThrottle.Attempt fourth = assertDoesNotThrow(() -> throttle.begin("bob", "10.0.0.7"));
        inFlight.get(1).settle(Outcome.FAILED);
        inFlight.get(2).settle(Outcome.FAILED);
        assertEquals(Set.of(Limit.ACCESS), fourth.settle(Outcome.FAILED));
        assertEquals(60, refusedFor("bob", "10.0.0.8"));
    }

    @Test
    void anAbandonedCheck_countsForNothing() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(Set.of(), throttle.begin("bob", "10.0.0.1").settle(Outcome.ABANDONED));
        }
        fail("bob", "10.0.0.1");
        fail("bob", "10.0.0.1");
        assertEquals(Set.of(Limit.ACCESS), fail("bob", "10.0.0.1"));
    }

    @Test
    void anAddressItsOwnerAuthenticatedFrom_isExemptFromTheTokensLimit_butNotFromItsOwn() throws Exception {
        throttle.begin("bob", "10.0.0.1").settle(Outcome.SUCCEEDED);
        for (int i = 0; i < 3; i++) {
            fail("bob", "10.6.6." + i); // someone else guessing
        }
        refusedFor("bob", "10.0.0.2");
        for (int i = 0; i < 4; i++) {
            assertDoesNotThrow(() -> throttle.begin("bob", "10.0.0.1").settle(Outcome.SUCCEEDED));
            assertEquals(Set.of(), fail("bob", "10.0.0.1")); // a stale device at home
        }
        assertEquals(Set.of(Limit.ADDRESS), fail("bob", "10.0.0.1"));
        refusedFor("bob", "10.0.0.1");
    }

    @Test
    void aSuccess_doesNotWipeTheFailuresOthersMade() throws Exception {
        fail("bob", "10.6.6.1");
        fail("bob", "10.6.6.2");
        throttle.begin("bob", "10.0.0.1").settle(Outcome.SUCCEEDED);
        assertEquals(Set.of(Limit.ACCESS), fail("bob", "10.6.6.3"));
        refusedFor("bob", "10.6.6.4");
    }

    @Test
    void memoryIsBounded_underAFloodOfDistinctTokensAndAddresses() throws Exception {
        int max = 2000;
        AuthThrottle small = new AuthThrottle(3, 5, WINDOW, max, clock);
        for (int i = 0; i < 50 * max; i++) {
            AuthThrottle.Attempt a = small.begin("t" + i, "10." + (i >>> 16) + "." + ((i >>> 8) & 255) + "." + (i & 255));
            a.settle(i % 2 == 0 ? Outcome.FAILED : Outcome.SUCCEEDED);
        }
        assertTrue(small.tracked() <= 3L * max, "tracked " + small.tracked());
        assertTrue(small.tracked() > max, "tracked " + small.tracked());
        clock.advance(WINDOW);
        small.cleanUp();
        assertTrue(small.tracked() <= max, "counts are forgotten once their window is over: " + small.tracked());
    }

    @Test
    void ipv6Addresses_countBy64Prefix_ipv4ByAddress() {
        assertEquals(AuthThrottle.addressKey("2001:db8:1:2::1"), AuthThrottle.addressKey("2001:db8:1:2:ffff::9"));
        assertEquals(AuthThrottle.addressKey("2001:db8:1:2::1"), AuthThrottle.addressKey("[2001:db8:1:2::1]"));
        assertNotEquals(AuthThrottle.addressKey("2001:db8:1:2::1"), AuthThrottle.addressKey("2001:db8:1:3::1"));
        assertEquals("2001:db8:1:2::/64", AuthThrottle.addressKey("2001:0db8:0001:0002:0:0:0:1"));
        assertEquals("10.1.2.3", AuthThrottle.addressKey("10.1.2.3"));
        assertEquals("10.1.2.3", AuthThrottle.addressKey("::ffff:10.1.2.3"));
        assertNotEquals(AuthThrottle.addressKey("10.1.2.3"), AuthThrottle.addressKey("10.1.2.4"));
    }

    @Test
    void aLongToken_isCountedByItsFirst129Characters() throws Exception {
        String longA = "x".repeat(129) + "a";
        String longB = "x".repeat(129) + "b";
        fail(longA, "10.0.0.1");
        fail(longB, "10.0.0.2");
        fail(longA, "10.0.0.3");
        refusedFor(longB, "10.0.0.4");
    }

    /** A throttle whose attempts wait up to a minute for attempts in progress (the tests never reach it). */
    private AuthThrottle waiting() {
        return new AuthThrottle(3, 5, WINDOW, AuthThrottle.MAX_TRACKED, clock, Duration.ofMinutes(1));
    }

    @Test
    void anAttemptBeyondTheAddressAllowance_whileOthersAreChecked_waits_andIsAdmittedWhenOneSucceeds()
            throws Exception {
        AuthThrottle t = waiting();
        List<AuthThrottle.Attempt> inProgress = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inProgress.add(t.begin("device" + i, "10.0.0.9")); // 5 different tokens behind one address
        }
        CompletableFuture<AuthThrottle.Attempt> sixth = CompletableFuture.supplyAsync(() -> {
            try {
                return t.begin("device5", "10.0.0.9");
            } catch (AuthThrottle.Refused e) {
                throw new CompletionException(e);
            }
        });
        Thread.sleep(200);
        assertTrue(!sixth.isDone(), "the sixth waits while five are being checked");
        inProgress.get(0).settle(Outcome.SUCCEEDED);
        AuthThrottle.Attempt admitted = sixth.get(30, TimeUnit.SECONDS);
        assertEquals(Set.of(), admitted.settle(Outcome.SUCCEEDED));
    }

    @Test
    void waitingAttempts_areRefused_onceFailuresUseUpTheAllowance_soABurstOfGuessesGainsNothing()
            throws Exception {
        AuthThrottle t = waiting();
        List<AuthThrottle.Attempt> guesses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            guesses.add(t.begin("victim" + i, "10.6.6.6"));
        }
        CompletableFuture<Long> more = CompletableFuture.supplyAsync(() -> {
            try {
                t.begin("victim5", "10.6.6.6");
                return -1L;
            } catch (AuthThrottle.Refused e) {
                return e.retryAfterSeconds();
            }
        });
        for (AuthThrottle.Attempt g : guesses) {
            g.settle(Outcome.FAILED);
        }
        assertEquals(60, more.get(30, TimeUnit.SECONDS), "refused for the rest of the window, never checked");
    }
}
