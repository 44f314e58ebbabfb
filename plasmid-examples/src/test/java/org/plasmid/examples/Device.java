package org.plasmid.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulated Plasmid.js device: its own HTTP client, credentials, a local copy of one database and
 * the revision it has pulled up to. It speaks exactly what Plasmid.js sends (JSON bodies as
 * {@code text/plain;charset=UTF-8}, Basic credentials).
 */
final class Device {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI api;
    private final String database;
    private final String authorization;
    /** store/key → value, as far as this device knows. */
    final Map<String, JsonNode> local = new LinkedHashMap<>();
    /** Plasmid.js starts a new database at revision 1. */
    long lastRevision = 1;

    Device(URI api, String database, String access, String secret) {
        this.api = api;
        this.database = database;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** An HTTP answer: status and parsed JSON body. */
    record Answer(int status, JsonNode body) {
    }

    Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(api.resolve(path)).GET());
    }

    Answer post(String path, JsonNode body) throws Exception {
        return send(HttpRequest.newBuilder(api.resolve(path))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.header("Authorization", authorization)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), JSON.readTree(r.body()));
    }

    /** The body of a push of one object from {@code revision}. */
    static ObjectNode pushBody(long revision, String store, String key, Object value) {
        ObjectNode body = JSON.createObjectNode();
        body.put("last_revision", revision);
        body.putObject("data").putObject(store).set(key, JSON.valueToTree(value));
        return body;
    }

    /** Pushes one object from the revision this device has pulled up to; records it locally if saved. */
    Answer push(String store, String key, Object value) throws Exception {
        Answer a = post("d/" + database + "/update/", pushBody(lastRevision, store, key, value));
        if (a.status() == 200 && a.body().path("saved").asInt() > 0) {
            local.put(store + "/" + key, JSON.valueToTree(value));
            lastRevision = a.body().get("revision").asLong();
        }
        return a;
    }

    /** Pulls what changed since the last pull and applies it, like Plasmid.js. */
    Answer pull() throws Exception {
        Answer a = get("d/" + database + "/update/" + lastRevision);
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
