package org.plasmid.servlet;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the body of an authenticated request, then runs its endpoint with it: without holding a thread
 * when the servlet is registered with async support ({@link AsyncBody}), else on the request's thread
 * ({@link BodyReader}, where the pace is only checked between reads). A declared {@code Content-Length}
 * above the limit is refused (413) before anything is read.
 */
final class BodyIntake {
    /** Runs an endpoint with the body it read. */
    @FunctionalInterface
    interface Handler {
        /**
         * @param body the whole body
         * @throws IOException if writing the answer fails
         * @throws RequestException to refuse the request with its answer
         */
        void handle(Body body) throws IOException, RequestException;
    }

    private final long limit;
    private final BodyPace pace;
    private final ScheduledExecutorService timer;
    private final AtomicInteger reading = new AtomicInteger();

    /**
     * @param options the servlet's options: the body limit and pace
     * @param timer the servlet's timer, which watches the pace of bodies read asynchronously
     */
    BodyIntake(PlasmidServletOptions options, ScheduledExecutorService timer) {
        this.limit = Math.min(options.maxBodyBytes(), BodyBuffer.MAX_LIMIT);
        this.pace = BodyPace.of(options);
        this.timer = timer;
    }

    /**
     * @param ex the request, authenticated
     * @param handler runs the endpoint with the body
     * @return whether the request went asynchronous (it is answered and logged later)
     * @throws IOException if writing the answer fails
     * @throws RequestException 413 for a body over the limit, 408 for one that fell behind the pace (read
     *     on this thread), 400 for one that could not be read whole, or the endpoint's refusal
     */
    boolean read(Exchange ex, Handler handler) throws IOException, RequestException {
        long declared = ex.request().getContentLengthLong();
        if (declared > limit) {
            throw BodyBuffer.tooLarge(limit);
        }
        if (ex.request().isAsyncSupported()) {
            reading.incrementAndGet();
            AsyncBody.start(ex, limit, pace, handler, timer, reading::decrementAndGet);
            return true;
        }
        handler.handle(readHere(ex, declared));
        return false;
    }

    private Body readHere(Exchange ex, long declared) throws RequestException {
        try {
            return BodyReader.read(ex.request().getInputStream(), declared, limit, pace);
        } catch (IOException e) {
            if (timedOut(e)) { // the container's idle timeout
                throw new RequestException(Answers.timeout("the request body did not arrive in time"));
            }
            throw RequestException.badRequest("the request body could not be read whole (cut short, broken "
                    + "chunked encoding, or too slow)");
        }
    }

    /**
     * Whether reading a body failed because the container's idle timeout ended it: Jetty says so with a
     * {@link TimeoutException} as the cause, Tomcat with a {@link SocketTimeoutException} (inside its
     * ClientAbortException), other containers with either, directly or as a cause.
     *
     * @param failure what reading threw, or what the container reported
     * @return whether it is a timeout
     */
    static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** @return how many bodies are being read asynchronously right now (for tests and monitoring) */
    int reading() {
        return reading.get();
    }
}
