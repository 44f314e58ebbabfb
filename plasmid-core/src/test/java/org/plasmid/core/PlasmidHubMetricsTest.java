package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's meters count exactly what the engine did, by outcome; unbound, a hub records nothing. */
class PlasmidHubMetricsTest {
    @TempDir
    Path dir;

    private static Change put(String key, String json) {
        return Change.put("s", key, JsonValue.parse(json));
    }

    private static double count(SimpleMeterRegistry r, String name, String outcome) {
        return r.get(name).tag(PlasmidHubMetrics.OUTCOME, outcome).counter().count();
    }

    @Test
    void pushesAndPulls_areCountedByOutcome_withTheirObjectsBytesAndLatency() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PlasmidHub hub = PlasmidHub.inMemory()) {
            new PlasmidHubMetrics(hub).bindTo(registry);
            assertEquals(PushResult.Status.ACCEPTED, hub.push("db", 1, List.of(put("a", "1"), put("bb", "22")), "p1")
                    .status());                                                  // saved: 2 objects
            hub.push("db", 2, List.of(put("a", "1")), "p1");                     // duplicate
            hub.push("db", 1, List.of(put("c", "3")));                           // outofdate
            hub.push("db", 2, List.of());                                        // empty: saved, 0 objects
            hub.setDatabaseQuota("db", 5);
            hub.push("db", 2, List.of(put("d", "\"a long value\"")));            // quota
            List<Change> pulled = new ArrayList<>();
            hub.pull("db", 0, 0, pulled::add);
            hub.clone("db", c -> true);

            assertEquals(2, count(registry, PlasmidHubMetrics.PUSHES, PlasmidHubMetrics.SAVED));
            assertEquals(1, count(registry, PlasmidHubMetrics.PUSHES, PlasmidHubMetrics.DUPLICATE));
            assertEquals(1, count(registry, PlasmidHubMetrics.PUSHES, PlasmidHubMetrics.OUT_OF_DATE));
            assertEquals(1, count(registry, PlasmidHubMetrics.PUSHES, PlasmidHubMetrics.QUOTA));
            assertEquals(5, registry.get(PlasmidHubMetrics.PUSH_DURATION).timer().count());
            assertEquals(2, registry.get(PlasmidHubMetrics.PUSHED_OBJECTS).counter().count());
            // "s"+"a"+"1" and "s"+"bb"+"22": 3 + 5 bytes
            assertEquals(8, registry.get(PlasmidHubMetrics.PUSHED_BYTES).counter().count());
            assertEquals(4, registry.get(PlasmidHubMetrics.PULLED_OBJECTS).counter().count(), "2 pulled, 2 cloned");
            assertEquals(16, registry.get(PlasmidHubMetrics.PULLED_BYTES).counter().count());
            assertEquals(2, registry.get(PlasmidHubMetrics.PULL_DURATION).timer().count());
            assertEquals(1, registry.get(PlasmidHubMetrics.DATABASES).gauge().value());
            assertEquals(8, registry.get(PlasmidHubMetrics.STORED_BYTES).gauge().value());
        }
    }

    @Test
    void aDurableHub_reportsItsJournalFsyncs_andTheirGroupSizes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (PlasmidHub hub = PlasmidHub.open(dir.resolve("hub"))) {
            new PlasmidHubMetrics(hub).bindTo(registry);
            for (int i = 0; i < 5; i++) {
                hub.push("db", 1 + i, List.of(put("k" + i, "1")));
            }
            var fsyncs = registry.get(PlasmidHubMetrics.FSYNC_DURATION).timer();
            var groups = registry.get(PlasmidHubMetrics.FSYNC_RECORDS).summary();
            assertTrue(fsyncs.count() >= 1 && fsyncs.count() <= 6, "one fsync per sequential push: " + fsyncs.count());
            assertEquals(fsyncs.count(), groups.count());
            assertTrue(groups.totalAmount() >= 5, "every push record was synced: " + groups.totalAmount());
        }
    }

    @Test
    void twoRegistries_bothRecord() {
        SimpleMeterRegistry one = new SimpleMeterRegistry();
        SimpleMeterRegistry two = new SimpleMeterRegistry();
        try (PlasmidHub hub = PlasmidHub.inMemory()) {
            new PlasmidHubMetrics(hub).bindTo(one);
            new PlasmidHubMetrics(hub).bindTo(two);
            hub.push("db", 1, List.of(put("a", "1")));
            assertEquals(1, count(one, PlasmidHubMetrics.PUSHES, PlasmidHubMetrics.SAVED));
            assertEquals(1, count(two, PlasmidHubMetrics.PUSHES, PlasmidHubMetrics.SAVED));
        }
    }
}
