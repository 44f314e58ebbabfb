package org.plasmid.core.mapdb;

import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageContractTest;

class MapDbMemoryStorageTest extends StorageContractTest {
    @Override
    protected Storage createStorage() {
        return MapDbStorage.inMemory();
    }
}
