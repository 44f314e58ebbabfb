package org.plasmid.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds long-poll pulls ({@code ?wait=S}) until the database passes the client's revision or the wait
 * runs out, without holding a thread: the request goes asynchronous and is answered from the
 * container's pool when the session's {@link org.plasmid.core.ClientSession#awaitChange} completes (a push
 * landed) or the wait runs out.
 * A wait is never longer than the configured maximum (below the container's idle timeout, so that no
 * held poll is cut without an answer); its end is watched by the servlet's own timer thread, not the
 * JDK's shared {@code CompletableFuture} delay thread, which would outlive the web application.
 * At most {@code maxHeldPolls} are held at once, and fewer per access token and per client address
 * ({@link PollCounts}); beyond a cap requests are answered 503 at once.
 * Once {@link #wakeAll()} was called (the server is stopping) none is held: a stop waits for requests
 * in flight, and a poll waiting up to the maximum wait for a change would hold it up.
 */
final class LongPolls {
    private static final Logger LOG = LoggerFactory.getLogger(LongPolls.class);
    /** Extra time the container allows past the wait before it times the request out itself. */
    private static final long CONTAINER_GRACE_MILLIS = 30_000;

    private final PollCounts counts;
    private final long maxWaitMillis;
    private final ScheduledExecutorService timer;
    /** The waits of the polls held, each with its place in the counts. */
    private final ConcurrentHashMap<CompletableFuture<Long>, PollCounts.Slot> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean warnedBlocking = new AtomicBoolean();
    private volatile boolean stopping;

    /**
     * @param options the servlet's options: the caps and the longest wait
     * @param timer the servlet's timer, which ends the waits
     */
    LongPolls(PlasmidServletOptions options, ScheduledExecutorService timer) {
        this.counts = new PollCounts(options.maxHeldPolls(), options.maxHeldPollsPerAccess(),
                options.maxHeldPollsPerAddress());
        this.maxWaitMillis = options.maxWait().toMillis();
        this.timer = timer;
    }

    /** @return how many polls are held right now */
    int held() {
        return counts.held();
    }

    /** @return how many access tokens and client addresses the caps count right now (0 when none is held) */
    int tracked() {
        return counts.tracked();
    }

    /**
     * Waits for a change before answering a pull.
     *
     * @param exchange the request, authenticated
     * @param change completes when the database passes the client's revision (from
     *     {@link org.plasmid.core.ClientSession#awaitChange}, which checked the permission); cancelled
     *     here when the poll is refused or ends
     * @param waitMillis how long the client asked to wait at most (held no longer than the maximum wait)
     * @param answer answers the pull once the wait is over
     * @return true if the request went asynchronous (it is answered later); false if the caller must
     *     answer now: the server is stopping, or the servlet is not registered with async support (this
     *     thread waited then)
     * @throws RequestException 503 if too many polls are held already, in all, by the request's access
     *     token, or from its client address
     */
    boolean hold(Exchange exchange, CompletableFuture<Long> change, long waitMillis, Responder.Action answer)
            throws RequestException {
        if (stopping) {
            change.cancel(false);
            return false;
        }
        PollCounts.Slot slot;
        try {
            slot = counts.acquire(exchange.access(), exchange.request().getRemoteAddr());
        } catch (RequestException e) {
            change.cancel(false);
            throw e;
        }
        long holdMillis = Math.min(waitMillis, maxWaitMillis);
        waiting.put(change, slot);
        try {
            ScheduledFuture<?> timeout = timer.schedule(() -> change.complete(-1L), holdMillis, TimeUnit.MILLISECONDS);
            change.whenComplete((r, f) -> timeout.cancel(false)); // frees the timer's queue at once
        } catch (RejectedExecutionException e) { // the servlet is being destroyed: answer now
            release(change);
            return false;
        }
        if (stopping) {
            change.complete(-1L); // wakeAll ran while this poll was being set up
        }
        if (!exchange.request().isAsyncSupported()) {
            waitBlocking(exchange, change);
            return false;
        }
        AsyncContext async;
        try {
            async = exchange.request().startAsync();
        } catch (RuntimeException e) {
            release(change);
            throw e;
        }
        async.setTimeout(holdMillis + CONTAINER_GRACE_MILLIS);
        AtomicBoolean answered = new AtomicBoolean();
        Runnable answerNow = () -> {
            if (answered.compareAndSet(false, true)) {
                exchange.observer().pollEnded(endOf(change));
                try {
                    Responder.run(exchange, answer);
                } catch (IOException e) {
                    LOG.debug("long-poll answer not delivered: {}", e.toString());
                } finally {
                    async.complete();
                }
            }
        };
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                release(change);
                exchange.finished();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                answerNow.run();
            }

            @Override
            public void onError(AsyncEvent event) {
                answered.set(true); // the container ends the request (the client has gone, say)
                release(change);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        change.whenComplete((revision, failure) -> {
            if (!answered.get()) {
                try {
                    async.start(answerNow);
                } catch (IllegalStateException e) {
                    LOG.debug("long-poll ended before it could be answered: {}", e.toString());
                }
            }
        });
        return true;
    }

    /**
     * Ends every wait now (the server is stopping, or the servlet going away): held polls are answered
     * with what there is, and from now on polls are answered without waiting.
     */
    void wakeAll() {
        stopping = true;
        for (CompletableFuture<Long> f : waiting.keySet()) {
            f.complete(-1L);
        }
    }

    /** A wait that completed with a revision ended by a push; anything else (-1, cancelled, failed) timed out. */
    private static ServletObserver.PollEnd endOf(CompletableFuture<Long> change) {
        try {
            Long revision = change.getNow(-1L);
            return revision != null && revision >= 0 ? ServletObserver.PollEnd.PUSH : ServletObserver.PollEnd.TIMEOUT;
        } catch (CancellationException | CompletionException e) {
            return ServletObserver.PollEnd.TIMEOUT;
        }
    }

    private void waitBlocking(Exchange exchange, CompletableFuture<Long> change) {
        if (warnedBlocking.compareAndSet(false, true)) {
            LOG.warn("PlasmidServlet is registered without async support: long-polls hold a thread each. "
                    + "Register it with asyncSupported=true (<async-supported>true</async-supported>).");
        }
        try {
            change.join();
        } catch (CancellationException | CompletionException e) {
            // the hub closed or the wait was ended: the pull that follows says what there is
        } finally {
            exchange.observer().pollEnded(endOf(change));
            release(change);
        }
    }

    /** Ends a poll's wait and gives back its place in the counts; every way a poll ends comes here. */
    private void release(CompletableFuture<Long> change) {
        PollCounts.Slot slot = waiting.remove(change);
        if (slot != null) {
            change.cancel(false);
            slot.release();
        }
    }
}
