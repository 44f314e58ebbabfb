package org.plasmid.examples.tools.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a soak observed, per kind of operation: latencies, and answers counted by status (-1: no answer).
 * Answers that the protocol does not allow for the request are also counted as unexpected, and the
 * first few described. Thread-safe.
 */
final class SoakStats {
    /** The kinds of operation, in report order. */
    static final List<String> KINDS = List.of("pull", "push", "long-poll", "clone", "info", "bad");
    private static final int DESCRIBED = 20;

    private final Map<String, LatencyHistogram> latency = new LinkedHashMap<>();
    private final Map<String, Map<Integer, LongAdder>> statuses = new LinkedHashMap<>();
    private final LongAdder unexpected = new LongAdder();
    private final List<String> descriptions = Collections.synchronizedList(new ArrayList<>());

    SoakStats() {
        for (String kind : KINDS) {
            latency.put(kind, new LatencyHistogram());
            statuses.put(kind, new ConcurrentHashMap<>());
        }
    }

    /**
     * @param method a device request's method
     * @param path its path under the API base
     * @return its kind: push, long-poll, clone, pull or info
     */
    static String kindOf(String method, String path) {
        if (method.equals("POST")) {
            return "push";
        }
        if (path.contains("wait=")) {
            return "long-poll";
        }
        if (path.endsWith("/clone")) {
            return "clone";
        }
        return path.contains("/update/") ? "pull" : "info";
    }

    /**
     * Counts one exchange (a {@link org.plasmid.examples.client.SyncClient.Observer} calls it).
     *
     * @param kind one of {@link #KINDS}
     * @param status the status, -1 for no answer
     * @param nanos how long it took
     */
    void record(String kind, int status, long nanos) {
        latency.get(kind).record(nanos);
        statuses.get(kind).computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** Counts an answer the protocol does not allow, and keeps its description if it is among the first. */
    void unexpected(String description) {
        unexpected.increment();
        if (descriptions.size() < DESCRIBED) {
            descriptions.add(description);
        }
    }

    /** @return the latencies of one kind */
    LatencyHistogram latency(String kind) {
        return latency.get(kind);
    }

    /** @return the answers of one kind by status (-1: no answer), in status order */
    SortedMap<Integer, Long> statuses(String kind) {
        SortedMap<Integer, Long> counts = new TreeMap<>();
        statuses.get(kind).forEach((status, n) -> counts.put(status, n.sum()));
        return counts;
    }

    /** @return the answers of every kind by status */
    SortedMap<Integer, Long> allStatuses() {
        SortedMap<Integer, Long> all = new TreeMap<>();
        for (String kind : KINDS) {
            statuses(kind).forEach((status, n) -> all.merge(status, n, Long::sum));
        }
        return all;
    }

    /** @return requests of every kind */
    long requests() {
        return latency.values().stream().mapToLong(LatencyHistogram::count).sum();
    }

    /** @return answers with a 5xx status */
    long serverErrors() {
        return allStatuses().entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
    }

    /** @return requests that got no answer */
    long noAnswers() {
        return allStatuses().getOrDefault(-1, 0L);
    }

    /** @return answers the protocol does not allow for their request */
    long unexpected() {
        return unexpected.sum();
    }

    /** @return the first unexpected answers, described */
    List<String> unexpectedDescriptions() {
        synchronized (descriptions) {
            return List.copyOf(descriptions);
        }
    }
}
