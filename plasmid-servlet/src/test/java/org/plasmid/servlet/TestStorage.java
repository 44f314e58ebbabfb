package org.plasmid.servlet;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import org.plasmid.core.jdbc.JdbcStorage;
import org.plasmid.core.jdbc.PgNotifications;
import org.plasmid.core.jdbc.TestPostgres;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.core.spi.Storage;

/**
 * The storage the servlet's tests run on: MapDB in memory, or, with {@code -Dplasmid.test.storage=postgres}
 * (the build's second run of the engine-facing tests), PostgreSQL in a fresh schema that is dropped when
 * the storage is closed.
 */
final class TestStorage {
    /** The system property that chooses the backend: {@code mapdb} (default) or {@code postgres}. */
    static final String PROPERTY = "plasmid.test.storage";

    private TestStorage() {
    }

    /** @return whether the tests run on PostgreSQL */
    static boolean postgres() {
        return "postgres".equals(System.getProperty(PROPERTY, "mapdb"));
    }

    /** @return a new, empty storage of the chosen backend */
    static Storage create() {
        if (!postgres()) {
            return MapDbStorage.inMemory();
        }
        try {
            TestPostgres pg = TestPostgres.freshSchema();
            JdbcStorage real = JdbcStorage.builder(pg.dataSource())
                    .notifications(PgNotifications.from(pg.simpleDataSource())).open();
            return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close") && method.getParameterCount() == 0) {
                            real.close();
                            pg.close();
                            return null;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL for the tests is not reachable at " + TestPostgres.baseUrl()
                    + " (.ci/run starts it)", e);
        }
    }
}
