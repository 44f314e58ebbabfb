package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health endpoints, {@code {mount}/health/live} and {@code {mount}/health/ready}, answered without
 * credentials: {@code {"status": "up" | "down", "checks": {...}}}, where each check says {@code up} or
 * {@code down} and, when down, what is wrong in words that name no database, account, path or secret.
 *
 * <ul>
 *   <li>live: 200 whenever the servlet can answer at all (it checks nothing else: a process that answers
 *       is alive; restarting it would not fix storage).</li>
 *   <li>ready: 200 when the servlet is not stopping and storage answered {@link PlasmidHub#probe()}
 *       within the bound; else 503 with {@code Retry-After}. The probe runs on a thread of its own so that
 *       the bound holds even when storage hangs; while one probe is still running, later checks wait for
 *       that one instead of starting another, so a hung storage costs one thread, not one per check.</li>
 * </ul>
 */
final class Health {
    private static final Logger LOG = LoggerFactory.getLogger(PlasmidServlet.class);

    private final PlasmidHub hub;
    private final Duration bound;
    private final BooleanSupplier stopping;
    private final ExecutorService prober;
    private CompletableFuture<Void> probing;
    private boolean wasReady = true;
    private volatile Throwable lastFailure;

    /**
     * @param hub the hub whose storage is probed
     * @param bound how long storage may take to answer
     * @param stopping whether the servlet is stopping (then it is not ready)
     * @param servletName names the probe's thread
     */
    Health(PlasmidHub hub, Duration bound, BooleanSupplier stopping, String servletName) {
        this.hub = hub;
        this.bound = bound;
        this.stopping = stopping;
        this.prober = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "plasmid-health-" + servletName);
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the answer to {@code GET health/live} */
    Answer live() {
        return answer(true, Map.of());
    }

    /** @return the answer to {@code GET health/ready} */
    Answer ready() {
        Map<String, String> problems = new LinkedHashMap<>();
        problems.put("serving", stopping.getAsBoolean() ? "the server is stopping" : null);
        problems.put("storage", storageProblem());
        boolean up = problems.values().stream().allMatch(p -> p == null);
        synchronized (this) {
            if (up != wasReady) {
                wasReady = up;
                if (up) {
                    LOG.info("ready again: storage answers");
                } else {
                    Throwable cause = problems.get("storage") == null ? null : lastFailure;
                    LOG.warn("not ready: {}{}", String.join("; ", problems.values().stream()
                            .filter(p -> p != null).toList()), cause == null ? "" : " (" + cause + ")");
                }
            }
        }
        return answer(up, problems);
    }

    /** @return null when storage answered in time, else what went wrong, in words safe to publish */
    private String storageProblem() {
        CompletableFuture<Void> probe;
        synchronized (this) {
            if (probing == null || probing.isDone()) {
                try {
                    probing = CompletableFuture.runAsync(hub::probe, prober);
                } catch (RejectedExecutionException e) {
                    return "the servlet is being destroyed";
                }
            }
            probe = probing;
        }
        try {
            probe.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "storage did not answer within " + Option.words(bound);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PlasmidException p && p.reason() == PlasmidException.Reason.CLOSED) {
                return "the hub is closed";
            }
            lastFailure = e.getCause();
            return "storage failed (the server's log says why)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Answer answer(boolean up, Map<String, String> checks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("status", up ? "up" : "down");
            g.writeObjectFieldStart("checks");
            for (Map.Entry<String, String> c : checks.entrySet()) {
                g.writeObjectFieldStart(c.getKey());
                g.writeStringField("status", c.getValue() == null ? "up" : "down");
                if (c.getValue() != null) {
                    g.writeStringField("error", c.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Answer(up ? 200 : 503,
                up ? Map.of() : Map.of("Retry-After", Integer.toString(Answers.RETRY_AFTER_SECONDS)), out.toByteArray());
    }

    /** Ends the probe's thread. */
    void close() {
        prober.shutdownNow();
    }
}
