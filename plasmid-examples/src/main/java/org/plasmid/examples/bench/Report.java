package org.plasmid.examples.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.plasmid.examples.client.SyncClient;

/** Prints the benchmark's table (medians over runs, with the targets) and its JSON line. */
final class Report {
    /** Targets of the performance issue, by "workload.metric". */
    private static final Map<String, String> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("W1.objects_per_s", ">= 50000");
        TARGETS.put("W2.one_request_objects_per_s", ">= 500000");
        TARGETS.put("W3.p50_ms_at_small", "<= 1");
        TARGETS.put("W3.p50_ms_at_large", "<= 1");
        TARGETS.put("W3.ratio_large_to_small", "<= 1.1");
        TARGETS.put("W4.own_db_objects_per_s", ">= 20000");
        TARGETS.put("W4.own_db_push_p99_ms", "<= 20");
        TARGETS.put("W5.ratio_to_fsync", ">= 0.6");
        TARGETS.put("W6.max_heap_mib", "<= 256");
        TARGETS.put("W7.push_to_other_p99_ms", "<= 50");
        TARGETS.put("W7.server_heap_after_gc_mib", "<= 256");
        TARGETS.put("W7.errors", "<= 0");
        TARGETS.put("W7.pushes_not_seen_by_other", "<= 0");
        TARGETS.put("W7storm.all_polls_held_s", "<= 5");
        TARGETS.put("W7storm.errors", "<= 0");
    }

    private Report() {
    }

    static void print(PrintStream out, Bench.Options o, int warmUps, List<Map<String, Map<String, Double>>> runs) {
        Map<String, Map<String, Double>> medians = medians(runs);
        out.printf("%nPlasmid Sync benchmark (%s, %d run%s after %d warm-up run%s, median)%s%n",
                o.engine() ? "engine only" : "HTTP", runs.size(), runs.size() == 1 ? "" : "s", warmUps,
                warmUps == 1 ? "" : "s", o.quick() ? " - QUICK sizes, not a measurement" : "");
        out.printf("%-7s %-34s %14s  %-10s %s%n", "", "metric", "value", "target", "");
        for (Map.Entry<String, Map<String, Double>> w : medians.entrySet()) {
            for (Map.Entry<String, Double> m : w.getValue().entrySet()) {
                String target = TARGETS.getOrDefault(w.getKey() + "." + m.getKey(), "");
                String verdict = target.isEmpty() || o.quick() ? "" : meets(m.getValue(), target) ? "met" : "MISSED";
                out.printf("%-7s %-34s %14s  %-10s %s%n", w.getKey(), m.getKey(), format(m.getValue()), target, verdict);
            }
        }
        ObjectNode json = SyncClient.JSON.createObjectNode();
        json.set("machine", Bench.machine());
        json.put("mode", o.engine() ? "engine" : o.url() != null ? "http-url" : "http");
        json.put("quick", o.quick());
        json.put("runs", runs.size());
        json.put("warm_up_runs", warmUps);
        ObjectNode results = json.putObject("results");
        medians.forEach((w, metrics) -> {
            ObjectNode n = results.putObject(w);
            metrics.forEach(n::put);
        });
        out.println("BENCH " + json);
    }

    private static Map<String, Map<String, Double>> medians(List<Map<String, Map<String, Double>>> runs) {
        Map<String, Map<String, Double>> result = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> w : runs.get(0).entrySet()) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            for (Map<String, Map<String, Double>> run : runs) {
                names.addAll(run.get(w.getKey()).keySet()); // W7's errors by kind differ from run to run
            }
            for (String metric : names) {
                List<Double> values = new ArrayList<>();
                for (Map<String, Map<String, Double>> run : runs) {
                    values.add(run.get(w.getKey()).getOrDefault(metric, metric.startsWith("errors") ? 0.0 : Double.NaN));
                }
                metrics.put(metric, Stats.median(values.stream().mapToDouble(Double::doubleValue).toArray()));
            }
            result.put(w.getKey(), metrics);
        }
        return result;
    }

    private static boolean meets(double value, String target) {
        double bound = Double.parseDouble(target.substring(3));
        return target.startsWith(">=") ? value >= bound : value <= bound;
    }

    private static String format(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format("%,.0f", v);
        }
        return String.format("%.3f", v);
    }
}
