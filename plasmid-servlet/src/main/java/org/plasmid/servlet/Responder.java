package org.plasmid.servlet;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.plasmid.core.PlasmidException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the work of a request and turns whatever it throws into the answer {@link Answers} prescribes.
 * Once a streamed answer has started (status sent), a failure can no longer change it: the exchange is
 * aborted instead, so the client sees a broken response rather than a truncated one that looks whole.
 */
final class Responder {
    private static final Logger LOG = LoggerFactory.getLogger(PlasmidServlet.class);

    private Responder() {
    }

    /** The work of a request. */
    @FunctionalInterface
    interface Action {
        /**
         * @return whether the request went asynchronous (it will be answered and logged later)
         * @throws IOException if writing fails
         * @throws RequestException to refuse the request with its answer
         */
        boolean run() throws IOException, RequestException;
    }

    /**
     * @param exchange the request
     * @param action its work
     * @return whether the request went asynchronous
     * @throws IOException if the answer cannot be written, or to abort an answer already started
     */
    static boolean run(Exchange exchange, Action action) throws IOException {
        try {
            return action.run();
        } catch (RequestException e) {
            send(exchange, e.answer(), e);
        } catch (PlasmidException e) {
            switch (e.reason()) {
                case STORAGE:
                    exchange.observer().storageFault();
                    LOG.error("{} {} ({}): storage failed", exchange.request().getMethod(),
                            exchange.request().getRequestURI(), exchange.requestId(), e);
                    break;
                case CLOSED:
                case HUB_IN_USE:
                    exchange.observer().storageFault();
                    LOG.warn("{} {} ({}): the hub cannot serve the request: {}", exchange.request().getMethod(),
                            exchange.request().getRequestURI(), exchange.requestId(), e.getMessage());
                    break;
                default:
            }
            send(exchange, Answers.failure(e), e);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // writing the answer failed (the client went away): nothing left to tell it
        } catch (RuntimeException e) {
            LOG.error("{} {} ({}) failed", exchange.request().getMethod(), exchange.request().getRequestURI(),
                    exchange.requestId(), e);
            send(exchange, Answers.serverError(), e);
        }
        return false;
    }

    private static void send(Exchange exchange, Answer answer, Exception cause) throws IOException {
        if (exchange.committed() && !exchange.answerStarted()) {
            // Not ours: the container answered itself. Tomcat does when reading the body fails (408 after its
            // idle timeout, 400 when cut short) and then drops what the servlet writes; throwing here would
            // turn its answer into a 500.
            LOG.debug("{} {}: the container answered the request itself ({}): {}", exchange.request().getMethod(),
                    exchange.request().getRequestURI(), exchange.response().getStatus(), cause.toString());
            return;
        }
        if (exchange.committed()) {
            throw new IOException("the answer had already started when the request failed", cause);
        }
        exchange.discardBody();
        exchange.send(answer);
    }
}
