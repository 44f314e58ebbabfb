package org.plasmid.core.mapdb;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageContractTest;

class MapDbFileStorageTest extends StorageContractTest {
    @TempDir
    Path dir;

    @Override
    protected Storage createStorage() {
        return MapDbStorage.open(dir);
    }

    @Override
    protected Storage reopen(Storage open) {
        open.close();
        return MapDbStorage.open(dir);
    }
}
