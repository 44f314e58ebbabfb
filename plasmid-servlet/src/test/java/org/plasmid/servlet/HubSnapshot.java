package org.plasmid.servlet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Storage;

/**
 * Everything a hub holds, read straight from its storage: every database with its revision, size and
 * current state, and every account with its secret hash and grants. Two snapshots are equal exactly when
 * nothing visible changed in between.
 *
 * @param text a canonical rendering (sorted), compared as a whole
 */
record HubSnapshot(String text) {

    static HubSnapshot of(Storage storage) {
        StringBuilder b = new StringBuilder();
        TreeSet<String> databases = new TreeSet<>();
        storage.listDatabases(databases::add);
        for (String db : databases) {
            b.append("db ").append(db).append(" rev=").append(storage.revision(db).orElse(-1))
                    .append(" bytes=").append(storage.storedBytes(db)).append('\n');
            if (TestStorage.postgres()) {
                // on PostgreSQL every write of the state raises the revision in the same transaction, and
                // reading every database's state for every request made the run take minutes
                continue;
            }
            TreeMap<String, String> state = new TreeMap<>();
            storage.readState(db, (store, key, revision, value) -> {
                state.put(store + "\u0000" + key, revision + " " + new String(value, StandardCharsets.UTF_8));
                return true;
            });
            state.forEach((k, v) -> b.append("  ").append(k.replace('\u0000', '/')).append(" = ").append(v).append('\n'));
        }
        TreeSet<String> accounts = new TreeSet<>();
        storage.listAccounts(accounts::add);
        for (String a : accounts) {
            var c = storage.credential(a).orElseThrow();
            b.append("account ").append(a).append(" hash=").append(Base64.getEncoder().encodeToString(c.hash()))
                    .append(" guest=").append(c.guest()).append('\n');
            List<String> grants = new ArrayList<>();
            for (Grant g : storage.grants(a)) {
                grants.add(g.permission() + " " + g.resource() + " = " + g.value());
            }
            grants.sort(null);
            grants.forEach(g -> b.append("  ").append(g).append('\n'));
        }
        return new HubSnapshot(b.toString());
    }

    @Override
    public String toString() {
        return text;
    }
}
