package org.plasmid.examples.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * A small Java client of the Plasmid wire protocol v1, as the tools (benchmark, crash torture, soak)
 * and tests use it. It sends exactly what Plasmid.js sends: JSON bodies as
 * {@code text/plain;charset=UTF-8} and Basic credentials on every request. Thread-safe.
 */
public final class SyncClient {
    /** Shared JSON mapper (thread-safe). */
    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI api;
    private final String authorization;
    private final Duration timeout;
    private final Observer observer;

    /**
     * Told about every exchange a client makes, for example to time requests (the soak does). An
     * exception it throws reaches the caller in place of the answer: tests throw an
     * {@link UncheckedIOException} to lose an answer the server has already acted on.
     */
    @FunctionalInterface
    public interface Observer {
        /**
         * Called once per request, on the calling thread, after the answer was read or the exchange failed.
         *
         * @param method the HTTP method
         * @param path the path under the API base, with its query
         * @param status the status code, or -1 if no answer came (the exchange failed with an I/O error)
         * @param nanos how long the exchange took
         */
        void exchanged(String method, String path, int status, long nanos);
    }

    /**
     * @param api the API base, ending in {@code /v1/} (e.g. {@code http://127.0.0.1:8880/plasmid/v1/})
     * @param access the access token
     * @param secret the secret
     */
    public SyncClient(URI api, String access, String secret) {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), api, basic(access, secret),
                Duration.ofSeconds(90), null);
    }

    private SyncClient(HttpClient http, URI api, String authorization, Duration timeout, Observer observer) {
        if (!api.getPath().endsWith("/")) {
            throw new IllegalArgumentException("the API base must end with '/': " + api);
        }
        this.http = http;
        this.api = api;
        this.authorization = authorization;
        this.timeout = timeout;
        this.observer = observer;
    }

    private static String basic(String access, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param access another access token
     * @param secret its secret
     * @return a client for other credentials sharing this one's connections
     */
    public SyncClient as(String access, String secret) {
        return new SyncClient(http, api, basic(access, secret), timeout, observer);
    }

    /**
     * @param observer told about every exchange of the returned client
     * @return a client with the same credentials and connections, observed
     */
    public SyncClient observed(Observer observer) {
        return new SyncClient(http, api, authorization, timeout, Objects.requireNonNull(observer, "observer"));
    }

    /** @return the API base */
    public URI api() {
        return api;
    }

    /**
     * An HTTP answer.
     *
     * @param status the status code
     * @param body the parsed JSON body ({@code MissingNode} if the body was not JSON)
     * @param retryAfter the {@code Retry-After} header, or null
     */
    public record Response(int status, JsonNode body, String retryAfter) {
        /** @return whether this is HTTP 200 without an {@code error} field */
        public boolean ok() {
            return status == 200 && !body.has("error");
        }

        /** @return the {@code reason} field, or "" */
        public String reason() {
            return body.path("reason").asText("");
        }

        /**
         * @return whether this is an {@code outofdate} refusal that carries the changes the push missed (ext,
         *     PROTOCOL.md §4): {@code updates} and {@code until}, exactly a pull's answer from the push's
         *     {@code last_revision}, to apply as such and push again from {@code until} without a pull
         */
        public boolean carriesMissedChanges() {
            return status == 200 && reason().equals("outofdate") && body.path("updates").isArray()
                    && body.path("until").canConvertToLong();
        }
    }

    /** {@code GET d/{db}}. */
    public Response info(String db) {
        return get("d/" + db);
    }

    /** {@code GET d/{db}/clone}. */
    public Response cloneDatabase(String db) {
        return get("d/" + db + "/clone");
    }

    /**
     * {@code GET d/{db}/update/{since}}.
     *
     * @param limit 0 for none
     * @param waitSeconds 0 for no long-poll
     */
    public Response pull(String db, long since, int limit, double waitSeconds) {
        StringBuilder path = new StringBuilder("d/").append(db).append("/update/").append(since);
        String sep = "?";
        if (limit > 0) {
            path.append(sep).append("limit=").append(limit);
            sep = "&";
        }
        if (waitSeconds > 0) {
            path.append(sep).append("wait=").append(waitSeconds);
        }
        return get(path.toString());
    }

    /**
     * {@code POST d/{db}/update/}. A refusal as {@code outofdate} may carry the missed changes: see
     * {@link Response#carriesMissedChanges()}.
     *
     * @param data {@code {store: {key: value-or-null}}}
     * @param pushId null for none
     */
    public Response push(String db, long lastRevision, ObjectNode data, String pushId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("last_revision", lastRevision);
        body.set("data", data);
        if (pushId != null) {
            body.put("push_id", pushId);
        }
        return post("d/" + db + "/update/", body.toString());
    }

    /** {@code POST a/}: create credentials (all arguments optional). */
    public Response createCredentials(String access, String secret, boolean guest) {
        ObjectNode body = JSON.createObjectNode();
        if (access != null) {
            body.put("access", access);
        }
        if (secret != null) {
            body.put("secret", secret);
        }
        if (guest) {
            body.put("type", "guest");
        }
        return post("a/", body.toString());
    }

    /**
     * A streamed answer, for reading large pulls and clones without holding them.
     *
     * @param status the status code
     * @param body the body; close it
     */
    public record Streamed(int status, java.io.InputStream body) {
    }

    /** {@code GET} a path under the API base, streaming the answer (not told to an {@link Observer}). */
    public Streamed stream(String path) {
        try {
            HttpResponse<java.io.InputStream> r = http.send(request(path).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            return new Streamed(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code GET} a path under the API base. */
    public Response get(String path) {
        return send("GET", path, null);
    }

    /** {@code POST} a JSON text to a path under the API base. */
    public Response post(String path, String json) {
        return send("POST", path, json);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(timeout).header("Authorization", authorization);
    }

    /**
     * Any method on a path under the API base (for example a wrong one, to see it refused).
     *
     * @param method the HTTP method
     * @param path the path under the API base, with its query
     * @param body a text body (sent as Plasmid.js sends JSON), or null for none
     * @return the answer
     * @throws UncheckedIOException if no answer came (connection refused or lost, timeout)
     */
    public Response send(String method, String path, String body) {
        HttpRequest.Builder request = request(path);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "text/plain;charset=UTF-8")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        long start = System.nanoTime();
        int status = -1;
        try {
            HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            status = r.statusCode();
            JsonNode json;
            try {
                json = r.body().length == 0 ? JSON.missingNode() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = JSON.missingNode();
            }
            return new Response(r.statusCode(), Objects.requireNonNullElse(json, JSON.missingNode()),
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (observer != null) {
                observer.exchanged(method, path, status, System.nanoTime() - start);
            }
        }
    }
}
