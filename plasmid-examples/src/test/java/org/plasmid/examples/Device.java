package org.plasmid.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.plasmid.examples.client.SyncClient;

/**
 * A step-by-step Plasmid.js device for tests that check each answer: a local copy of one database and
 * the revision it has pulled up to, over {@link SyncClient}. (Tools use the full sync loop of
 * {@link org.plasmid.examples.client.SimulatedDevice}.)
 */
public final class Device {
    public static final ObjectMapper JSON = SyncClient.JSON;

    private final SyncClient client;
    private final String database;
    /** store/key → value, as far as this device knows. */
    public final Map<String, JsonNode> local = new LinkedHashMap<>();
    /** Plasmid.js starts a new database at revision 1. */
    public long lastRevision = 1;

    public Device(URI api, String database, String access, String secret) {
        this.client = new SyncClient(api, access, secret);
        this.database = database;
    }

    public SyncClient.Response get(String path) {
        return client.get(path);
    }

    public SyncClient.Response post(String path, JsonNode body) {
        return client.post(path, body.toString());
    }

    /** The body of a push of one object from {@code revision}. */
    public static ObjectNode pushBody(long revision, String store, String key, Object value) {
        ObjectNode body = JSON.createObjectNode();
        body.put("last_revision", revision);
        body.putObject("data").putObject(store).set(key, JSON.valueToTree(value));
        return body;
    }

    /** Pushes one object from the revision this device has pulled up to; records it locally if saved. */
    public SyncClient.Response push(String store, String key, Object value) {
        SyncClient.Response a = post("d/" + database + "/update/", pushBody(lastRevision, store, key, value));
        if (a.status() == 200 && a.body().path("saved").asInt() > 0) {
            local.put(store + "/" + key, JSON.valueToTree(value));
            lastRevision = a.body().get("revision").asLong();
        }
        return a;
    }

    /** Pulls what changed since the last pull and applies it, like Plasmid.js. */
    public SyncClient.Response pull() {
        SyncClient.Response a = client.pull(database, lastRevision, 0, 0);
        if (a.status() == 200) {
            for (JsonNode u : a.body().get("updates")) {
                local.put(u.get(0).asText() + "/" + u.get(2).asText(), u.get(3));
                lastRevision = u.get(1).asLong();
            }
            lastRevision = Math.max(lastRevision, a.body().get("until").asLong());
        }
        return a;
    }
}
