package org.plasmid.core.jdbc;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.plasmid.core.spi.Storage;
import org.plasmid.core.spi.StorageContractTest;

/** The storage contract, on PostgreSQL: each test in a fresh schema, dropped afterwards. */
class PostgresStorageTest extends StorageContractTest {
    private final List<TestPostgres> schemas = new ArrayList<>();

    @Override
    protected Storage createStorage() throws Exception {
        TestPostgres pg = TestPostgres.freshSchema();
        schemas.add(pg);
        return JdbcStorage.open(pg.dataSource());
    }

    @Override
    protected Storage reopen(Storage open) {
        open.close();
        return JdbcStorage.open(schemas.get(schemas.size() - 1).dataSource());
    }

    @AfterEach
    void dropSchemas() throws Exception {
        for (TestPostgres pg : schemas) {
            pg.close();
        }
    }
}
