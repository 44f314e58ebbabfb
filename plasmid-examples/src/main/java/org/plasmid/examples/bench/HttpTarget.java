package org.plasmid.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Requests over real HTTP on one keep-alive connection ({@link KeepAliveClient}); pulls and clones are counted as they stream. */
final class HttpTarget implements Target {
    /** Reads answers whose field names are few (a push's, a pull's): Jackson's byte-level UTF-8 parser. */
    private static final JsonFactory JSON = new JsonFactory();
    /**
     * Reads a clone, whose keys are a million distinct field names: not canonicalized, and with Jackson's
     * non-blocking byte parser fed from the stream ({@link #scanFed}). Its blocking byte parser keeps every
     * field name in its symbol table (that tripled the time the benchmark's client took to read a clone,
     * against a pull whose keys are string values); without the table it falls back to decoding the bytes
     * to characters first, which left W6's clone at 2.0× the full pull (mean of nine runs) while the server
     * spent the same CPU on both (JFR, 2026-12-03). The fed parser does neither: 1.5× (mean of four).
     */
    private static final JsonFactory CLONE_JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

    private final URI api;
    /** Every node's API base; {@link #another()} takes the next one, so parallel clients spread over nodes. */
    private final List<URI> nodes;
    private final String access;
    private final String secret;
    /** The measured requests go through a lean keep-alive client, one per target (one per thread). */
    private final KeepAliveClient keepAlive;

    HttpTarget(URI api, String access, String secret) {
        this(List.of(api), 0, access, secret);
    }

    /**
     * @param nodes the API bases of the nodes that serve one hub (several for PostgreSQL)
     * @param index which of them this target uses
     */
    HttpTarget(List<URI> nodes, int index, String access, String secret) {
        this.nodes = List.copyOf(nodes);
        this.api = nodes.get(index % nodes.size());
        this.access = access;
        this.secret = secret;
        this.keepAlive = new KeepAliveClient(api, access, secret);
    }

    @Override
    public Pushed push(String db, long lastRevision, List<String> keys, List<String> values) {
        StringBuilder body = new StringBuilder(keys.size() * 130 + 64)
                .append("{\"last_revision\": ").append(lastRevision).append(", \"data\": {\"things\": {");
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                body.append(", ");
            }
            body.append('"').append(keys.get(i)).append("\": ").append(values.get(i));
        }
        body.append("}}}");
        try {
            KeepAliveClient.Answer a = keepAlive.post("d/" + db + "/update/", body.toString().getBytes(StandardCharsets.UTF_8));
            Scan r;
            try (InputStream in = a.body()) {
                r = scan(JSON, in, "updates", 2);
            }
            if (a.status() == 200 && !r.scalars().containsKey("error")) {
                return new Pushed(true, Long.parseLong(r.scalars().get("revision")), null);
            }
            if (a.status() == 200 && "outofdate".equals(r.scalars().get("reason"))) {
                // the missed changes, read as a pull's answer is read (by the same scan)
                Read missed = r.scalars().containsKey("until")
                        ? new Read(r.count(), Long.parseLong(r.scalars().get("until")), false) : null;
                return new Pushed(false, Long.parseLong(r.scalars().get("revision")), missed);
            }
            throw new IllegalStateException("push failed: HTTP " + a.status() + " " + r.scalars());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Read pull(String db, long since, int limit) {
        return read("d/" + db + "/update/" + since + (limit > 0 ? "?limit=" + limit : ""), JSON, "updates", 2);
    }

    @Override
    public Read cloneAll(String db) {
        return read("d/" + db + "/clone", CLONE_JSON, "data", 3);
    }

    /** Counts the entries of {@code field}: values at {@code depth} below the top object. */
    private Read read(String path, JsonFactory json, String field, int depth) {
        KeepAliveClient.Answer a;
        try {
            a = keepAlive.get(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = a.body()) {
            if (a.status() != 200) {
                throw new IllegalStateException("GET " + path + " failed: HTTP " + a.status());
            }
            Scan r = scan(json, in, field, depth);
            String until = r.scalars().getOrDefault("until", r.scalars().get("revision"));
            return new Read(r.count(), until == null ? -1 : Long.parseLong(until),
                    Boolean.parseBoolean(r.scalars().get("more")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a streamed answer held.
     *
     * @param scalars the top object's scalar fields, as text
     * @param count how many values {@code field} held at {@code depth} below the top object
     */
    private record Scan(Map<String, String> scalars, long count) {
    }

    private static Scan scan(JsonFactory json, InputStream in, String field, int depth) throws IOException {
        if (json == CLONE_JSON) {
            return scanFed(in, field, depth);
        }
        try (JsonParser p = json.createParser(in)) {
            Scanning s = new Scanning(field, depth);
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (s.token(t, p)) {
                    p.skipChildren(); // the counted value, skipped whole: fewer tokens through here
                    s.level--;
                }
            }
            return s.scan();
        }
    }

    /** {@link #scan} with Jackson's non-blocking parser, fed the stream's bytes as it asks for them. */
    private static Scan scanFed(InputStream in, String field, int depth) throws IOException {
        try (JsonParser p = CLONE_JSON.createNonBlockingByteArrayParser()) {
            ByteArrayFeeder feeder = (ByteArrayFeeder) p.getNonBlockingInputFeeder();
            byte[] buffer = new byte[64 * 1024]; // fed again only once the parser has used all of it
            Scanning s = new Scanning(field, depth);
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.NOT_AVAILABLE) {
                    s.token(t, p);
                    continue;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    feeder.endOfInput();
                } else {
                    feeder.feedInput(buffer, 0, n);
                }
            }
            return s.scan();
        }
    }

    /**
     * Counts the values of one top-level field at a depth, and keeps the top object's scalars, token by
     * token.
     */
    private static final class Scanning {
        private final String field;
        private final int depth;
        private final Map<String, String> scalars = new HashMap<>();
        private long count;
        private int level;
        private String top;

        Scanning(String field, int depth) {
            this.field = field;
            this.depth = depth;
        }

        /** @return whether the token starts a value it counted (the caller may skip its contents) */
        boolean token(JsonToken t, JsonParser p) throws IOException {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                level++;
                if (level == depth + 1 && field.equals(top)) {
                    count++;
                    return true;
                }
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                level--;
            } else if (t == JsonToken.FIELD_NAME && level == 1) {
                top = p.currentName();
            } else if (level == 1) {
                scalars.put(top, p.getText());
            }
            return false;
        }

        Scan scan() {
            return new Scan(scalars, count);
        }
    }

    @Override
    public long revision(String db) {
        // on the target's own connection: a JDK HttpClient per target would add a selector thread each
        KeepAliveClient.Answer a;
        try {
            a = keepAlive.get("d/" + db);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = a.body()) {
            Scan r = scan(JSON, in, "", 1);
            if (a.status() != 200 || !r.scalars().containsKey("revision")) {
                throw new IllegalStateException("GET d/" + db + " failed: HTTP " + a.status() + " " + r.scalars());
            }
            return Long.parseLong(r.scalars().get("revision"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Target another() {
        return new HttpTarget(nodes, nodes.indexOf(api) + 1 + ANOTHER.getAndIncrement(), access, secret);
    }

    /** Spreads the targets {@link #another()} makes over the nodes, in turn. */
    private static final java.util.concurrent.atomic.AtomicInteger ANOTHER = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public void close() {
        try {
            keepAlive.close();
        } catch (IOException e) {
            // closing a loopback socket: nothing to do about it
        }
    }
}
