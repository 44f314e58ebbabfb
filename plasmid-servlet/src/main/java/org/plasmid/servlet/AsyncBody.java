package org.plasmid.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one request body with servlet async I/O, holding no thread while the client sends, then runs
 * the endpoint with it on the container thread that saw the body's end, and completes the request.
 *
 * <p>A client that sends too slowly ({@link BodyPace}) is answered 408 with {@code Connection: close},
 * and the container closes the connection. Since a stalled client triggers no callback at all, the
 * servlet's timer watches each body: it wakes when the body would fall behind if nothing more arrived,
 * and either answers 408 or sleeps again until the new moment. Exactly one of the endpoint, a 413, a 408
 * or a 400 (the body could not be read) answers, whichever comes first.
 */
final class AsyncBody implements ReadListener, AsyncListener {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncBody.class);
    /** How long the container may hold the request past the body deadline before timing it out itself. */
    private static final long CONTAINER_GRACE_MILLIS = 30_000;

    private final Exchange exchange;
    private final AsyncContext async;
    private final ServletInputStream in;
    private final BodyBuffer buffer;
    private final BodyPace pace;
    private final BodyIntake.Handler handler;
    private final ScheduledExecutorService timer;
    private final Runnable ended;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile long received;
    private volatile ScheduledFuture<?> watch;

    private AsyncBody(Exchange exchange, AsyncContext async, ServletInputStream in, long limit, BodyPace pace,
            BodyIntake.Handler handler, ScheduledExecutorService timer, Runnable ended) {
        this.exchange = exchange;
        this.async = async;
        this.in = in;
        this.buffer = new BodyBuffer(limit);
        this.pace = pace;
        this.handler = handler;
        this.timer = timer;
        this.ended = ended;
    }

    /**
     * Puts the request in async mode and starts reading its body.
     *
     * @param exchange the request, authenticated, whose servlet supports async
     * @param limit the most bytes accepted
     * @param pace the pace the body must keep
     * @param handler runs the endpoint once the body is whole
     * @param timer the servlet's timer, which watches the pace
     * @param ended called once when reading ends, however it ends (also if it cannot start)
     * @throws IOException if the body stream cannot be opened (the request is then not asynchronous)
     */
    static void start(Exchange exchange, long limit, BodyPace pace, BodyIntake.Handler handler,
            ScheduledExecutorService timer, Runnable ended) throws IOException {
        AsyncContext async;
        ServletInputStream in;
        try {
            in = exchange.request().getInputStream();
            async = exchange.request().startAsync();
        } catch (IOException | RuntimeException e) {
            ended.run();
            throw e;
        }
        AsyncBody body = new AsyncBody(exchange, async, in, limit, pace, handler, timer, ended);
        async.setTimeout(pace.deadline().toMillis() + CONTAINER_GRACE_MILLIS); // the body's own end comes first
        async.addListener(body);
        body.watchAt(pace.fallsBehindAt(body.startNanos, 0));
        try {
            in.setReadListener(body);
        } catch (RuntimeException e) {
            LOG.error("{} {}: cannot read the body asynchronously", exchange.request().getMethod(),
                    exchange.request().getRequestURI(), e);
            body.answer(Answers.serverError());
        }
    }

    @Override
    public void onDataAvailable() {
        try {
            while (!done.get() && in.isReady()) {
                if (buffer.readFrom(in) < 0) {
                    return; // onAllDataRead follows
                }
                received = buffer.length();
            }
        } catch (RequestException e) {
            answer(e.answer()); // 413
        } catch (IOException e) {
            onError(e);
        }
    }

    @Override
    public void onAllDataRead() {
        if (end()) {
            try {
                Responder.run(exchange, () -> {
                    handler.handle(buffer.body());
                    return false;
                });
            } catch (IOException e) {
                LOG.debug("answer not delivered: {}", e.toString());
            } finally {
                async.complete();
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        boolean slow = BodyIntake.timedOut(failure);
        answer(slow ? Answers.timeout("the request body did not arrive in time")
                : Answers.badRequest("the request body could not be read whole (cut short, or broken chunked "
                        + "encoding)"));
    }

    /** Runs on the timer: answers 408 if the body has fallen behind, else watches again when it would. */
    private void check() {
        if (done.get()) {
            return;
        }
        String behind = pace.violation(startNanos, System.nanoTime(), received);
        if (behind == null) {
            watchAt(pace.fallsBehindAt(startNanos, received));
            return;
        }
        if (end()) {
            try {
                async.start(() -> send(Answers.timeout(behind))); // never write on the timer's one thread
            } catch (IllegalStateException e) {
                LOG.debug("the request ended before its 408: {}", e.toString());
            }
        }
    }

    private void watchAt(long nanos) {
        try {
            ScheduledFuture<?> next = timer.schedule(this::check, Math.max(0, nanos - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            watch = next;
            if (done.get()) {
                next.cancel(false); // ended meanwhile: leave nothing in the timer's queue
            }
        } catch (RejectedExecutionException e) {
            // the servlet is being destroyed; the container's own timeout ends the request
        }
    }

    /** Answers with a refusal, unless something answered already. */
    private void answer(Answer answer) {
        if (end()) {
            send(answer);
        }
    }

    private void send(Answer answer) {
        try {
            exchange.send(answer);
        } catch (IOException | RuntimeException e) {
            LOG.debug("refusal not delivered: {}", e.toString());
        } finally {
            async.complete();
        }
    }

    /** Marks reading as over; only the first caller answers the request. */
    private boolean end() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
        ended.run();
        return true;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end(); // if the container ended the request without telling the reader
        exchange.finished();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        answer(Answers.timeout("the request body did not arrive in time"));
    }

    @Override
    public void onError(AsyncEvent event) {
        end(); // the container ends the request
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not restarted
    }
}
