package org.plasmid.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Using the engine from Java" example, kept compiling and true. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExample_runsAsDescribed() {
        try (PlasmidHub hub = PlasmidHub.open(dir.resolve("hub"))) {
            hub.accounts().setSecret("alice", "s3cret");
            hub.accounts().grant("alice", "*", "*", "Yes");

            PushResult r = hub.push("todos", 1, List.of(
                    Change.put("things", "k1", JsonValue.parse("{\"title\": \"milk\"}")),
                    Change.delete("things", "k0")));
            assertEquals(PushResult.Status.ACCEPTED, r.status());
            assertEquals(2, r.revision());

            List<String> printed = new ArrayList<>();
            hub.pull("todos", 0, 0, change -> {
                printed.add(change.store() + "/" + change.key() + " @" + change.revision() + " = " + change.value());
                return true;
            });
            printed.sort(null); // within one revision the order is unspecified
            // k0 had no value: deleting it wrote nothing (no tombstone), though it counts in saved
            assertEquals(2, r.saved());
            assertEquals(List.of("things/k1 @2 = {\"title\": \"milk\"}"), printed);

            ClientSession session = hub.authenticate("alice", "s3cret").orElseThrow();
            assertEquals(PushResult.accepted(2, 0), session.push("todos", 2, List.of(), "push-id-1"));
            CompletableFuture<Long> landed = hub.awaitChange("todos", 2);
            session.push("todos", 2, List.of(Change.put("things", "k2", JsonValue.parse("2"))), "push-id-2");
            assertEquals(3L, landed.join());
        }
    }
}
