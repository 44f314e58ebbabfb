package org.plasmid.examples.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** W7's failed requests by kind ({@code poll_503}, {@code push_io}, ...). Thread-safe. */
final class ErrorCounts {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** @param kind what failed and how: {@code <request>_<status>} or {@code <request>_io} */
    void add(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** @return the counts by kind, sorted */
    Map<String, Long> byKind() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Adds {@code errors} (the total) and {@code errors_<kind>} for each kind seen to the figures. */
    void report(Map<String, Double> figures) {
        figures.put("errors", (double) total());
        byKind().forEach((k, v) -> figures.put("errors_" + k, (double) v));
    }
}
