package org.plasmid.examples.bench;

import java.util.ArrayList;
import java.util.List;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.PullResult;
import org.plasmid.core.PushResult;

/** Requests straight into the engine: the same workloads without HTTP, JSON framing or auth. */
final class EngineTarget implements Target {
    private final PlasmidHub hub;

    EngineTarget(PlasmidHub hub) {
        this.hub = hub;
    }

    @Override
    public Pushed push(String db, long lastRevision, List<String> keys, List<String> values) {
        List<Change> changes = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            changes.add(Change.put("things", keys.get(i), JsonValue.parse(values.get(i))));
        }
        PushResult r = hub.push(db, lastRevision, changes);
        if (r.status() == PushResult.Status.ACCEPTED) {
            return new Pushed(true, r.revision(), null);
        }
        // what the servlet does for a refused pusher that may read: the missed changes, in the same call
        return new Pushed(false, r.revision(), pull(db, lastRevision, 0));
    }

    @Override
    public Read pull(String db, long since, int limit) {
        long[] bytes = {0};
        PullResult r = hub.pull(db, since, limit, c -> {
            bytes[0] += c.value() == null ? 0 : c.value().size();
            return true;
        });
        return new Read(r.count(), r.until(), r.more());
    }

    @Override
    public Read cloneAll(String db) {
        long[] count = {0};
        long revision = hub.clone(db, c -> {
            count[0]++;
            return true;
        });
        return new Read(count[0], revision, false);
    }

    @Override
    public long revision(String db) {
        return hub.info(db).revision();
    }

    @Override
    public Target another() {
        return this;
    }

    @Override
    public String kind() {
        return "engine";
    }

    @Override
    public void close() {
        // the hub is the bench's to close
    }
}
