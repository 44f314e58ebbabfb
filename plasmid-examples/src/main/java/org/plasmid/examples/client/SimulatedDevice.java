package org.plasmid.examples.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A simulated offline-first device, as Plasmid.js behaves: a local copy of one database, edits queued
 * until pushed, and the sync loop of the protocol — pull everything (paged), push the queued edits,
 * and on {@code outofdate} catch up and retry: from the missed changes the refusal carries (ext), else
 * by pulling. A pulled change to a key with an unpushed local edit is a conflict; this device keeps its
 * own edit (it is pushed next), and counts the conflict.
 *
 * <p>Pushes carry a {@code push_id}, kept with the queued edits until a push of them is acknowledged:
 * when a push fails without an answer (the connection died, the server was killed), the next push of
 * the same edits repeats the id, so the server answers a push that had landed as a duplicate instead of
 * writing it twice. A new edit starts a new id. Not thread-safe: one device, one thread.
 */
public final class SimulatedDevice {
    private final SyncClient client;
    private final String db;
    private final int pageSize;
    private final Map<String, JsonNode> data = new HashMap<>();
    private final Map<String, JsonNode> pending = new LinkedHashMap<>();
    private String pushId;
    private long revision = 1;
    private long conflicts;
    private long retries;

    /**
     * @param client the device's connection
     * @param db the database it syncs
     * @param pageSize the {@code limit} of its pulls (0 for none)
     */
    public SimulatedDevice(SyncClient client, String db, int pageSize) {
        this.client = client;
        this.db = db;
        this.pageSize = pageSize;
    }

    /** A failure the device cannot resolve by pulling (an HTTP error or an unexpected answer). */
    public static final class SyncException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final SyncClient.Response response;

        SyncException(String what, SyncClient.Response response) {
            super(what + ": HTTP " + response.status() + " " + response.body());
            this.response = response;
        }

        /** @return the answer that failed */
        public SyncClient.Response response() {
            return response;
        }
    }

    /**
     * Edits locally (offline is fine): the change is queued until the next push.
     *
     * @param store the store
     * @param key the key
     * @param value the new value, or null to delete
     */
    public void edit(String store, String key, JsonNode value) {
        String id = id(store, key);
        JsonNode v = value == null ? NullNode.getInstance() : value;
        if (v.isNull()) {
            data.remove(id);
        } else {
            data.put(id, v);
        }
        pending.put(id, v);
        pushId = null; // different edits, a different push
    }

    /** Pulls until nothing more is held back, applying changes; unpushed local edits win. */
    public void pull() {
        while (true) {
            SyncClient.Response r = client.pull(db, revision, pageSize, 0);
            if (r.status() != 200 || !r.body().has("updates")) {
                throw new SyncException("pull", r);
            }
            apply(r.body());
            if (!r.body().path("more").asBoolean(false)) {
                return;
            }
        }
    }

    /**
     * Applies a page of changes — a pull's answer, or the missed changes an {@code outofdate} answer
     * carries, which are the same entries — and moves to its {@code until}. A change to a key with an
     * unpushed local edit is a conflict: the local edit is kept (it is pushed next) and counted.
     */
    private void apply(JsonNode page) {
        for (JsonNode u : page.get("updates")) {
            String id = id(u.get(0).asText(), u.get(2).asText());
            if (pending.containsKey(id)) {
                conflicts++;
                continue;
            }
            if (u.get(3).isNull()) {
                data.remove(id);
            } else {
                data.put(id, u.get(3));
            }
        }
        revision = page.get("until").asLong();
    }

    /**
     * Pushes the queued edits; on {@code outofdate} catches up and retries (at most {@code maxAttempts}):
     * from the missed changes the refusal carries (ext, PROTOCOL.md §4: {@code updates} and {@code until},
     * applied as a pull's answer is) without a pull, or, when it carries none, by pulling.
     * A {@code duplicate} answer (this push had landed, its answer was lost) acknowledges the edits too;
     * the device then pulls again from the push's revision, so that changes it set aside as conflicts
     * with the landed push are applied after all.
     *
     * @return the push's answer (saved, revision), or the last refusal if attempts ran out, or null if
     *     nothing was queued
     * @throws SyncException if the server answers with an error other than {@code outofdate}
     * @throws java.io.UncheckedIOException if no answer came; the edits stay queued, with their push id
     */
    public SyncClient.Response push(int maxAttempts) {
        if (pending.isEmpty()) {
            return null;
        }
        if (pushId == null) {
            pushId = UUID.randomUUID().toString();
        }
        SyncClient.Response r = null;
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            ObjectNode body = SyncClient.JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> e : pending.entrySet()) {
                String[] sk = split(e.getKey());
                ObjectNode store = body.has(sk[0]) ? (ObjectNode) body.get(sk[0]) : body.putObject(sk[0]);
                store.set(sk[1], e.getValue());
            }
            r = client.push(db, revision, body, pushId);
            if (r.ok()) {
                pending.clear();
                pushId = null;
                long landed = r.body().get("revision").asLong();
                if (r.body().path("duplicate").asBoolean(false) && landed <= revision) {
                    revision = landed;
                    pull();
                } else {
                    revision = Math.max(revision, landed);
                }
                return r;
            }
            if (r.status() != 200 || !r.reason().equals("outofdate")) {
                throw new SyncException("push", r);
            }
            retries++;
            if (r.carriesMissedChanges()) {
                apply(r.body());
            } else {
                pull();
            }
        }
        return r;
    }

    /** Pull, then push with retries: what Plasmid.js calls {@code sync()}. */
    public SyncClient.Response sync() {
        pull();
        return push(Integer.MAX_VALUE);
    }

    /** @return the device's data: "store/key" (as {@link #id}) → value */
    public Map<String, JsonNode> data() {
        return data;
    }

    /** @return the revision it has pulled up to */
    public long revision() {
        return revision;
    }

    /** @return how many edits await a push */
    public int pendingCount() {
        return pending.size();
    }

    /** @return pulled changes that hit an unpushed local edit so far */
    public long conflicts() {
        return conflicts;
    }

    /** @return pushes refused as outofdate and retried so far */
    public long retries() {
        return retries;
    }

    /**
     * @param cloneBody the answer of {@code GET d/{db}/clone}
     * @return the state it holds, keyed as {@link #data()} is: comparable with a device's data
     */
    public static Map<String, JsonNode> cloneState(JsonNode cloneBody) {
        Map<String, JsonNode> state = new HashMap<>();
        cloneBody.path("data").fields().forEachRemaining(store -> store.getValue().fields()
                .forEachRemaining(key -> state.put(id(store.getKey(), key.getKey()), key.getValue().get(1))));
        return state;
    }

    /** @return the key of {@link #data()} for a store and key */
    public static String id(String store, String key) {
        return store + "\u0000" + key;
    }

    private static String[] split(String id) {
        int i = id.indexOf('\u0000');
        return new String[] {id.substring(0, i), id.substring(i + 1)};
    }
}
