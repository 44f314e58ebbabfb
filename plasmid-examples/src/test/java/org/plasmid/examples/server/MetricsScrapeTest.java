package org.plasmid.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.PlasmidHub;
import org.plasmid.servlet.PlasmidServlet;
import org.plasmid.servlet.PlasmidServletOptions;

/**
 * A scrape of {@code /metrics} (Prometheus text format, on its own port) after a scripted sequence of
 * requests shows exactly the counts that sequence must produce; the public port serves no metrics.
 */
class MetricsScrapeTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private static String basic(String access, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> send(URI uri, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        b = body == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** @return every sample of a scrape: the name with its labels, to its value */
    private Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r = send(URI.create("http://127.0.0.1:" + port + "/metrics"), null, null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.matches()) {
                samples.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return samples;
    }

    private static void await(int port, MetricsScrapeTest t, String sample, double value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Double.valueOf(value).equals(t.scrape(port).get(sample))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(sample + " never became " + value + ": " + t.scrape(port).get(sample));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aScrapeAfterAScriptedSequence_showsExactlyItsCounts() throws Exception {
        try (PlasmidHub setup = PlasmidHub.open(tmp.resolve("hub"))) {
            setup.accounts().setSecret("admin", "admin-secret-1");
            setup.accounts().grant("admin", "*", "*", "Yes");
        }
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, null, -1, "127.0.0.1", 0, true, false);
        PlasmidServletOptions options = PlasmidServletOptions.builder().requestLog(false).build();
        Serving serving = Serving.start(tmp.resolve("hub"), settings, hub -> new PlasmidServlet(hub, options),
                Duration.ofSeconds(2), null);
        try {
            int metrics = serving.metricsPort();
            URI api = serving.apiUri();
            String admin = basic("admin", "admin-secret-1");
            assertEquals(200, send(api.resolve("d/notes/update/"), admin,
                    "{\"last_revision\": 1, \"push_id\": \"a\", \"data\": {\"s\": {\"k\": 1}}}").statusCode());
            assertEquals(200, send(api.resolve("d/notes/update/"), admin,
                    "{\"last_revision\": 1, \"push_id\": \"a\", \"data\": {\"s\": {\"k\": 1}}}").statusCode());
            assertTrue(send(api.resolve("d/notes/update/"), admin,
                    "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 2}}}").body().contains("outofdate"));
            assertEquals(200, send(api.resolve("d/notes/update/"), admin,
                    "{\"last_revision\": 2, \"data\": {\"s\": {\"j\": 2}}}").statusCode());
            assertEquals(401, send(api.resolve("d/notes"), basic("admin", "wrong"), null).statusCode());
            assertEquals(401, send(api.resolve("d/notes"), basic("nobody", "wrong"), null).statusCode());
            assertEquals(200, send(api.resolve("../health/ready"), null, null).statusCode());

            CompletableFuture<HttpResponse<String>> poll = http.sendAsync(HttpRequest.newBuilder(
                    api.resolve("d/notes/update/3?wait=30")).header("Authorization", admin).build(),
                    HttpResponse.BodyHandlers.ofString());
            await(metrics, this, "plasmid_polls_held", 1.0);
            assertEquals(200, send(api.resolve("d/notes/update/"), admin,
                    "{\"last_revision\": 3, \"data\": {\"s\": {\"i\": 3}}}").statusCode());
            assertTrue(poll.get().body().contains("\"i\""));
            await(metrics, this, "plasmid_polls_held", 0.0);

            Map<String, Double> s = scrape(metrics);
            assertEquals(3.0, s.get("plasmid_pushes_total{outcome=\"saved\"}"), s.toString());
            assertEquals(1.0, s.get("plasmid_pushes_total{outcome=\"duplicate\"}"));
            assertEquals(1.0, s.get("plasmid_pushes_total{outcome=\"outofdate\"}"));
            assertEquals(0.0, s.get("plasmid_pushes_total{outcome=\"quota\"}"));
            assertEquals(0.0, s.get("plasmid_pushes_total{outcome=\"refused\"}"));
            assertEquals(6.0, s.get("plasmid_authentications_total{outcome=\"success\"}"), "five pushes and a poll");
            assertEquals(2.0, s.get("plasmid_authentications_total{outcome=\"failure\"}"));
            assertEquals(0.0, s.get("plasmid_authentications_total{outcome=\"throttled\"}"));
            assertEquals(1.0, s.get("plasmid_polls_answered_total{outcome=\"push\"}"));
            assertEquals(0.0, s.get("plasmid_polls_answered_total{outcome=\"timeout\"}"));
            assertEquals(3.0, s.get("plasmid_pushed_objects_total"));
            assertEquals(1.0, s.get("plasmid_databases"));
            assertEquals(0.0, s.get("plasmid_storage_faults_total"));
            assertEquals(5.0, s.get("plasmid_push_duration_seconds_count"));
            assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("plasmid_push_duration_seconds_bucket{")),
                    "a histogram, for histogram_quantile()");
            assertTrue(s.get("plasmid_journal_fsync_duration_seconds_count") >= 3, "the journal's fsyncs");
            assertTrue(s.containsKey("plasmid_journal_fsync_records_sum"), "group-commit sizes");
            assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics");
            assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jetty_threads_busy")), "Jetty's pool");
            assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jetty_connections")), "Jetty's connections");

            assertEquals(404, send(api.resolve("/metrics"), null, null).statusCode(), "no metrics on the public port");
        } finally {
            serving.stop();
        }
    }
}
