package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void pushPullSurvivesReopen() {
        try (PlasmidHub hub = PlasmidHub.open(dir)) {
            PushResult r = hub.push("db", 1, List.of(Change.put("things", "a", JsonValue.parse("{\"x\": 1}"))));
            assertEquals(PushResult.accepted(2, 1), r);
            assertEquals(PushResult.Status.OUT_OF_DATE, hub.push("db", 1, List.of(Change.delete("things", "a"))).status());
        }
        try (PlasmidHub hub = PlasmidHub.open(dir)) {
            List<Change> got = new ArrayList<>();
            PullResult p = hub.pull("db", 0, 0, got::add);
            assertEquals(2, p.until());
            assertEquals("{\"x\": 1}", got.get(0).value().toString());
        }
    }
}
