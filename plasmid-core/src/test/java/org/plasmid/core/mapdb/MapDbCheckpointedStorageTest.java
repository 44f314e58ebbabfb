package org.plasmid.core.mapdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageContractTest;

/**
 * The storage contract again, where every reopen goes through a checkpoint and a recovery as after a
 * kill -9 (the index rebuilt from the checkpoint and the journal after it), with tiny segments so
 * compaction deletes most of the journal: what the contract checks after a reopen must survive that.
 */
class MapDbCheckpointedStorageTest extends StorageContractTest {
    private static final long SEGMENT = 4 << 10;

    @TempDir
    Path dir;

    @Override
    protected Storage createStorage() {
        return MapDbStorage.open(dir, CheckpointPolicy.disabled(), SEGMENT);
    }

    @Override
    protected Storage reopen(Storage open) {
        ((MapDbStorage) open).checkpoint();
        open.close();
        try {
            Files.delete(dir.resolve("index.clean"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MapDbStorage.open(dir, CheckpointPolicy.disabled(), SEGMENT);
    }
}
