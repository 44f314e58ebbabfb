package org.plasmid.core.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.PlasmidException;

class HubLockTest {
    @TempDir
    Path dir;

    @Test
    void aHubOpenTwice_isRefusedWithAClearError_andFreedByClose() {
        MapDbStorage first = MapDbStorage.open(dir);
        first.createDatabase("db");
        PlasmidException e = assertThrows(PlasmidException.class, () -> MapDbStorage.open(dir));
        assertEquals(PlasmidException.Reason.HUB_IN_USE, e.reason());
        assertTrue(e.getMessage().contains(dir.toAbsolutePath() + " is in use"), e.getMessage());
        assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
        first.close();
        try (MapDbStorage second = MapDbStorage.open(dir)) {
            assertEquals(1, second.revision("db").orElseThrow());
        }
    }

    @Test
    void closingTwice_isHarmless_andAClosedStorageRefusesWork() {
        MapDbStorage s = MapDbStorage.open(dir);
        s.close();
        s.close();
        assertThrows(org.plasmid.core.spi.StorageException.class, () -> s.createDatabase("db"));
    }
}
