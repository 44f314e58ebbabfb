package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Grant;

/**
 * The index remembers each token's grants, because every token's first request after a restart looks
 * them up: opening reads them in one pass, a grant written or removed is seen by the next lookup, and a
 * race of readers and a writer never leaves an old list behind.
 */
class GrantCacheTest {
    @TempDir
    Path dir;

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static String token(int i) {
        return String.format("guest-%05d", i);
    }

    @Test
    void reopeningAnIndex_readsEveryTokensGrantsInOnePass_soNoLookupDecodesATreeNode() {
        Path file = dir.resolve("index.mapdb");
        Index written = Index.file(file);
        for (int i = 0; i < 3_000; i++) {
            written.putGrant(new Grant(token(i), "ReadDatabase", "db-" + i, "Yes", null));
            written.putGrant(new Grant(token(i), "WriteDatabase", "db-" + i, "Yes", i % 7 == 0 ? token(0) : null));
        }
        written.close();
        Index index = Index.file(file); // a restart: every device's first request looks its grants up
        try {
            assertEquals(3_000, index.grantsRemembered());
            assertEquals(Set.of(new Grant(token(14), "ReadDatabase", "db-14", "Yes", null),
                    new Grant(token(14), "WriteDatabase", "db-14", "Yes", token(0))), Set.copyOf(index.grants(token(14))));
            assertEquals(Set.copyOf(index.allGrants()), Set.copyOf(everyTokensGrants(index, 3_000)));
            String[] tokens = new String[3_000];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = token(i);
            }
            int lookups = 20_000;
            long before = allocatedByThisThread();
            for (int i = 0; i < lookups; i++) {
                index.grants(tokens[i % tokens.length]);
            }
            long perLookup = (allocatedByThisThread() - before) / lookups;
            // a MapDB range read decodes the whole leaf holding the token's grants: kilobytes
            assertTrue(perLookup < 64, "remembered grants allocated " + perLookup + " bytes per lookup");
        } finally {
            index.close();
        }
    }

    private static List<Grant> everyTokensGrants(Index index, int tokens) {
        List<Grant> all = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            all.addAll(index.grants(token(i)));
        }
        return all;
    }

    @Test
    void aGrantWrittenOrRemoved_isWhatTheNextLookupSees_delegatorIncluded() {
        Index index = Index.memory();
        try {
            assertEquals(List.of(), index.grants("alice"));
            index.putGrant(new Grant("alice", "ReadDatabase", "todo", "Yes", null));
            assertEquals(List.of(new Grant("alice", "ReadDatabase", "todo", "Yes", null)), index.grants("alice"));
            index.putGrant(new Grant("alice", "ReadDatabase", "todo", "No", "bob"));
            assertEquals(List.of(new Grant("alice", "ReadDatabase", "todo", "No", "bob")), index.grants("alice"));
            index.putGrant(new Grant("alice", "ReadDatabase", "todo", "Yes", null)); // no longer delegated
            assertEquals(List.of(new Grant("alice", "ReadDatabase", "todo", "Yes", null)), index.grants("alice"));
            assertTrue(index.removeGrant("alice", "ReadDatabase", "todo"));
            assertEquals(List.of(), index.grants("alice"));
        } finally {
            index.close();
        }
    }

    @Test
    void readersRacingAWriter_neverSeeAGrantOlderThanTheLastWriteReturned() throws Exception {
        Index index = Index.file(dir.resolve("race.mapdb"));
        try {
            for (int i = 0; i < 2_000; i++) { // enough grants for the tree to have many nodes
                index.putGrant(new Grant(token(i), "ReadDatabase", i == 1_000 ? "v0" : "db", "Yes", null));
            }
            // a write puts version v before it removes v - 1: never empty, the newest is the largest
            Races.readersNeverSeeOlderThanTheLastWrite(3_000, () -> index.grants(token(1_000)).stream()
                    .mapToInt(g -> Integer.parseInt(g.resource().substring(1))).max().orElse(-1), v -> {
                        index.putGrant(new Grant(token(1_000), "ReadDatabase", "v" + v, "Yes", null));
                        index.removeGrant(token(1_000), "ReadDatabase", "v" + (v - 1));
                    });
            assertEquals(List.of(new Grant(token(1_000), "ReadDatabase", "v3000", "Yes", null)), index.grants(token(1_000)));
        } finally {
            index.close();
        }
    }
}
