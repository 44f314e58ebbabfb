package org.plasmid.examples.tools.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * What a soak found: figures per kind of operation, answers by status, resources at the start and the
 * end, and the verdict. The verdict fails on any 5xx, any unexpected answer (warm-up included), any
 * request without an answer, and growth beyond the bounds of {@link Footprint}.
 */
final class SoakReport {
    /**
     * Heap and file descriptors of the JVM that embeds the server, after the warm-up and at the end.
     *
     * @param heapStart heap after GC at the start, bytes
     * @param heapEnd heap after GC at the end, bytes
     * @param fdsStart open file descriptors at the start (-1: unknown)
     * @param fdsEnd open file descriptors at the end (-1: unknown)
     */
    record Footprint(long heapStart, long heapEnd, long fdsStart, long fdsEnd) {
        /** @return the most heap after GC allowed at the end: start + max(64 MiB, 50% of start) */
        long heapBound() {
            return heapStart + Math.max(Soak.HEAP_GROWTH_MIN_BYTES, (long) (heapStart * Soak.HEAP_GROWTH_FRACTION));
        }

        /** @return the most open file descriptors allowed at the end: start + 50 */
        long fdBound() {
            return fdsStart + Soak.FD_GROWTH;
        }

        boolean heapGrew() {
            return heapEnd > heapBound();
        }

        boolean fdsGrew() {
            return fdsStart >= 0 && fdsEnd > fdBound();
        }
    }

    private final String target;
    private final long loadNanos;
    private final SoakStats warmup;
    private final SoakStats stats;
    private final Footprint resources;
    private final List<String> failures = new ArrayList<>();

    /**
     * @param target what was loaded, for the report
     * @param loadNanos how long the measured load ran
     * @param warmup the warm-up's figures (its errors count too)
     * @param stats the measured load's figures
     * @param resources heap and descriptors, or null if not measured
     * @param problems failures found otherwise (could not run, did not stop cleanly ...)
     */
    SoakReport(String target, long loadNanos, SoakStats warmup, SoakStats stats, Footprint resources,
            List<String> problems) {
        this.target = target;
        this.loadNanos = loadNanos;
        this.warmup = warmup;
        this.stats = stats;
        this.resources = resources;
        failures.addAll(problems);
        long serverErrors = warmup.serverErrors() + stats.serverErrors();
        if (serverErrors > 0) {
            failures.add(serverErrors + " answers with a 5xx status");
        }
        long unexpected = warmup.unexpected() + stats.unexpected();
        if (unexpected > 0) {
            failures.add(unexpected + " answers the protocol does not allow for their request");
        }
        long noAnswer = warmup.noAnswers() + stats.noAnswers();
        if (noAnswer > 0) {
            failures.add(noAnswer + " requests without an answer");
        }
        if (problems.isEmpty() && stats.requests() == 0) {
            failures.add("no request was made");
        }
        if (resources != null && resources.heapGrew()) {
            failures.add("heap after GC grew from " + Resources.mib(resources.heapStart()) + " to "
                    + Resources.mib(resources.heapEnd()) + ", above the bound " + Resources.mib(resources.heapBound()));
        }
        if (resources != null && resources.fdsGrew()) {
            failures.add("open file descriptors grew from " + resources.fdsStart() + " to " + resources.fdsEnd()
                    + ", above the bound " + resources.fdBound());
        }
    }

    /** @return whether the soak passed */
    boolean passed() {
        return failures.isEmpty();
    }

    /** @return why it failed (empty if it passed) */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** @return the measured load's figures */
    SoakStats stats() {
        return stats;
    }

    /** @return the warm-up's figures */
    SoakStats warmup() {
        return warmup;
    }

    /** @return heap and descriptors, or null if not measured */
    Footprint resources() {
        return resources;
    }

    /** @return requests per second over the measured load */
    double throughput() {
        return loadNanos == 0 ? 0 : stats.requests() * 1e9 / loadNanos;
    }

    void print(PrintStream out) {
        out.printf("%-10s %10s %8s %8s %8s %8s  %s%n", "operation", "requests", "req/s", "p50 ms", "p99 ms", "max ms",
                "answers by status");
        for (String kind : SoakStats.KINDS) {
            LatencyHistogram h = stats.latency(kind);
            out.printf("%-10s %10d %8.1f %8.2f %8.2f %8.1f  %s%n", kind, h.count(),
                    loadNanos == 0 ? 0 : h.count() * 1e9 / loadNanos, h.percentileMicros(0.5) / 1000.0,
                    h.percentileMicros(0.99) / 1000.0, h.maxMicros() / 1000.0, show(stats.statuses(kind)));
        }
        out.printf("%-10s %10d %8.1f  %s%n", "all", stats.requests(), throughput(), show(stats.allStatuses()));
        out.printf("target: %s; measured over %.1f s (after a warm-up of %d requests)%n", target, loadNanos / 1e9,
                warmup.requests());
        out.printf("5xx answers: %d; unexpected answers: %d; requests without an answer: %d (warm-up included)%n",
                warmup.serverErrors() + stats.serverErrors(), warmup.unexpected() + stats.unexpected(),
                warmup.noAnswers() + stats.noAnswers());
        if (resources == null) {
            out.println("heap and open file descriptors: not measured (the server is not in this JVM)");
        } else {
            out.printf("heap after GC: start %s, end %s; bound start + max(64 MiB, 50%%) = %s: %s%n",
                    Resources.mib(resources.heapStart()), Resources.mib(resources.heapEnd()),
                    Resources.mib(resources.heapBound()), resources.heapGrew() ? "EXCEEDED" : "ok");
            out.printf("open file descriptors: start %d, end %d; bound start + %d = %d: %s%n", resources.fdsStart(),
                    resources.fdsEnd(), Soak.FD_GROWTH, resources.fdBound(), resources.fdsGrew() ? "EXCEEDED" : "ok");
        }
        List<String> described = new ArrayList<>(warmup.unexpectedDescriptions());
        described.addAll(stats.unexpectedDescriptions());
        for (String d : described) {
            out.println("unexpected: " + d);
        }
        if (passed()) {
            out.println("PASS");
        } else {
            out.println("FAIL: " + String.join("; ", failures));
        }
        out.flush();
    }

    private static String show(SortedMap<Integer, Long> statuses) {
        return statuses.entrySet().stream()
                .map((Map.Entry<Integer, Long> e) -> (e.getKey() < 0 ? "none" : e.getKey().toString()) + ":" + e.getValue())
                .collect(Collectors.joining(" "));
    }
}
