package org.plasmid.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wakes waiters and listeners when a database passes a revision. */
final class ChangeNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeNotifier.class);

    private record Waiter(long after, CompletableFuture<Long> future) {
    }

    private final Map<String, Queue<Waiter>> waiters = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<ChangeListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * A future completing with the head once it exceeds {@code after}. The head is read again after
     * registering, so a push landing in between is never missed.
     */
    CompletableFuture<Long> await(String database, long after, LongSupplier head) {
        long now = head.getAsLong();
        if (now > after) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        Waiter w = new Waiter(after, future);
        Queue<Waiter> queue = waiters.computeIfAbsent(database, k -> new ConcurrentLinkedQueue<>());
        queue.add(w);
        future.whenComplete((r, e) -> queue.remove(w));
        now = head.getAsLong();
        if (now > after) {
            future.complete(now);
        }
        return future;
    }

    void published(String database, long revision) {
        Queue<Waiter> queue = waiters.get(database);
        if (queue != null) {
            for (Waiter w : queue) {
                if (revision > w.after()) {
                    w.future().complete(revision);
                }
            }
        }
        for (ChangeListener l : listeners) {
            try {
                l.changed(database, revision);
            } catch (RuntimeException e) {
                LOG.warn("change listener {} failed", l, e);
            }
        }
    }

    /** @return the databases that have waiters now */
    List<String> watched() {
        List<String> names = new ArrayList<>();
        waiters.forEach((database, queue) -> {
            if (!queue.isEmpty()) {
                names.add(database);
            }
        });
        return names;
    }

    AutoCloseable addListener(ChangeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void closeAll() {
        PlasmidException closed = new PlasmidException(PlasmidException.Reason.CLOSED, "hub closed");
        for (Queue<Waiter> queue : waiters.values()) {
            for (Waiter w : queue) {
                w.future().completeExceptionally(closed);
            }
        }
    }
}
