package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;

/**
 * Pulls and clones stream: a child JVM whose whole heap is smaller than the answer serves a pull and a
 * clone of a database, and the answers arrive whole. If either were built in memory before sending, the
 * child would run out of memory and the answer would fail.
 */
class StreamingTest {
    private static final int PUSHES = 50;
    private static final int VALUES_PER_PUSH = 100;
    private static final int VALUE_BYTES = 20_000;
    private static final String HEAP = "-Xmx48m";

    @TempDir
    Path dir;

    @Test
    void aPullAndACloneLargerThanTheServersHeap_areStreamedWhole() throws Exception {
        Path hubDir = dir.resolve("hub");
        fill(hubDir);
        Path childErr = dir.resolve("child.err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                StreamingServerMain.class.getName(), hubDir.toString())
                .redirectError(childErr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("READY "), "child did not start: " + ready + "\n"
                    + Files.readString(childErr));
            String[] parts = ready.split(" ");
            String api = "http://127.0.0.1:" + parts[1] + TestServer.API;
            long childHeap = Long.parseLong(parts[2]);
            long dataBytes = (long) PUSHES * VALUES_PER_PUSH * VALUE_BYTES;
            assertTrue(dataBytes > childHeap * 3 / 2, "the data (" + dataBytes + ") must exceed the child's heap ("
                    + childHeap + ")");

            HttpClient client = HttpClient.newHttpClient();
            Counted pull = fetch(client, api + "d/big/update/0", true);
            assertEquals(PUSHES * VALUES_PER_PUSH, pull.entries, "pull entries");
            assertTrue(pull.bytes > dataBytes, "pull bytes " + pull.bytes);
            Counted clone = fetch(client, api + "d/big/clone", false);
            assertEquals(PUSHES * VALUES_PER_PUSH, clone.entries, "clone entries");
            assertTrue(clone.bytes > childHeap, "clone bytes " + clone.bytes);
            assertTrue(child.isAlive(), "the child survived");
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        String err = Files.readString(childErr);
        assertFalse(err.contains("OutOfMemoryError"), err);
    }

    private static void fill(Path hubDir) {
        try (PlasmidHub hub = PlasmidHub.open(hubDir)) {
            hub.accounts().setSecret("admin", "admin-secret");
            hub.accounts().grant("admin", "*", "*", "Yes");
            String filler = "x".repeat(VALUE_BYTES - 10);
            for (int p = 0; p < PUSHES; p++) {
                List<Change> changes = new ArrayList<>();
                for (int i = 0; i < VALUES_PER_PUSH; i++) {
                    String value = String.format("\"%04d%04d%s\"", p, i, filler);
                    changes.add(Change.put("store" + (i % 3), "key-" + p + "-" + i, JsonValue.parse(value)));
                }
                hub.push("big", p + 1, changes);
            }
        }
    }

    private record Counted(int entries, long bytes) {
    }

    /** Reads an answer as it arrives (never holding it whole), counting entries and checking each value. */
    private static Counted fetch(HttpClient client, String url, boolean pull) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", TestServer.basic("admin", "admin-secret")).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        CountingInput in = new CountingInput(response.body());
        int entries = 0;
        long lastRevision = 0;
        try (JsonParser p = new JsonFactory().createParser(in)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING && p.getTextLength() == VALUE_BYTES - 2) {
                    entries++;
                }
                if (pull && t == JsonToken.VALUE_NUMBER_INT && p.getParsingContext().getParent() != null
                        && p.getParsingContext().getParent().inArray() && p.getParsingContext().getCurrentIndex() == 1) {
                    assertTrue(p.getLongValue() >= lastRevision, "updates sorted by revision");
                    lastRevision = p.getLongValue();
                }
            }
        }
        return new Counted(entries, in.count);
    }

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
