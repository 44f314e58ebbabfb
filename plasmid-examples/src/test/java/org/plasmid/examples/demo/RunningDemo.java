package org.plasmid.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.plasmid.examples.CtlJar;
import org.plasmid.examples.TestCertificates;

/**
 * The real {@code plasmidctl.jar --demo}, started as a child process on a free port as a newcomer runs it,
 * and two devices on it: two headless Chromium browsers with separate profiles, one desktop-sized and one
 * phone-sized. Either over plain HTTP on {@code 127.0.0.1}, or over HTTPS on {@value #HTTPS_HOST}, a name
 * that is not localhost, with a test certificate that the browsers trust by its key and nothing else. It
 * also reads the server's copy of a list through the API, as the check the screens are held to.
 */
final class RunningDemo implements AutoCloseable {
    /**
     * The name the HTTPS demo is opened by (each browser resolves it to 127.0.0.1). Not localhost and not a
     * loopback address, so only HTTPS makes the page a secure context, which service workers require.
     */
    static final String HTTPS_HOST = "demo.plasmid.test";

    private final CtlJar.Server server;
    private final URI root;
    private final HttpClient http;
    private final Chromium browserA;
    private final Chromium browserB;
    private final DemoPage a;
    private final DemoPage b;
    private final ObjectMapper json = new ObjectMapper();

    private RunningDemo(CtlJar.Server server, URI root, HttpClient http, Chromium browserA, Chromium browserB) {
        this.server = server;
        this.root = root;
        this.http = http;
        this.browserA = browserA;
        this.browserB = browserB;
        this.a = new DemoPage("device A", browserA);
        this.b = new DemoPage("device B", browserB);
    }

    /** Starts the demo on plain HTTP, opened at {@code http://127.0.0.1:<port>/}. */
    static RunningDemo overHttp(Path work) throws Exception {
        return start(work, List.of(), List.of(), HttpClient.newHttpClient(), null);
    }

    /**
     * Starts the demo on HTTPS with {@code certificate} (as a PEM pair, {@code --tls-cert}/{@code --tls-key}),
     * opened at {@code https://}{@value #HTTPS_HOST}{@code :<port>/}. The browsers accept that certificate's
     * key alone ({@code --ignore-certificate-errors-spki-list}); any other certificate is still an error.
     *
     * @param certificate a certificate made for {@value #HTTPS_HOST} too
     */
    static RunningDemo overHttps(Path work, TestCertificates certificate) throws Exception {
        List<String> tls = List.of(
                "--tls-cert", certificate.writeChain(work.resolve("fullchain.pem")).toString(),
                "--tls-key", certificate.writeKey(work.resolve("privkey.pem")).toString());
        List<String> browser = List.of(
                "--host-resolver-rules=MAP " + HTTPS_HOST + " 127.0.0.1",
                "--ignore-certificate-errors-spki-list=" + certificate.spkiSha256());
        HttpClient http = HttpClient.newBuilder().sslContext(certificate.trustingIt()).build();
        return start(work, tls, browser, http, HTTPS_HOST);
    }

    private static RunningDemo start(Path work, List<String> serverArguments, List<String> browserArguments,
            HttpClient http, String host) throws Exception {
        List<String> args = new ArrayList<>(List.of("--demo", "--port", "0", "--hub-path",
                work.resolve("hub").toString()));
        args.addAll(serverArguments);
        CtlJar.Server server = CtlJar.serve(work, args.toArray(String[]::new));
        List<AutoCloseable> started = new ArrayList<>(List.of(server));
        try {
            URI api = server.api();
            URI root = new URI(api.getScheme(), null, host == null ? api.getHost() : host, api.getPort(), "/", null,
                    null);
            String[] switches = browserArguments.toArray(String[]::new);
            Chromium browserA = Chromium.start(1000, 900, switches);
            started.add(browserA::quit);
            Chromium browserB = Chromium.start(420, 860, switches); // a phone-sized window: the page must stay usable
            return new RunningDemo(server, root, http, browserA, browserB);
        } catch (Throwable e) {
            try {
                stopAll(started);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** @return the page's address: {@code http://127.0.0.1:<port>/} or {@code https://demo.plasmid.test:<port>/} */
    URI root() {
        return root;
    }

    /** @return the desktop-sized device */
    DemoPage a() {
        return a;
    }

    /** @return the phone-sized device */
    DemoPage b() {
        return b;
    }

    /** A new list on A (its first visit signs up: guest credentials of its own), opened on B through A's share link. */
    void shareNewList() {
        a.openNewList(root);
        b.open(a.shareLink());
        assertEquals(a.databaseName(), b.databaseName(), "B opened A's list");
        assertTrue(a.databaseName().startsWith(DemoWebApp.GUEST_PREFIX), a.databaseName());
    }

    /**
     * Stops the server with SIGTERM while the pages are still open, each holding a long-poll (as Ctrl-C
     * does), asserting a prompt, clean stop; then closes both browsers.
     */
    @Override
    public void close() throws Exception {
        stopAll(List.<AutoCloseable>of(() -> assertEquals(0, server.terminate(), server.log()), server, browserA::quit,
                browserB::quit));
    }

    /** Runs every step, also after one fails; rethrows the first failure with the later ones suppressed. */
    private static void stopAll(List<AutoCloseable> steps) throws Exception {
        Exception first = null;
        for (AutoCloseable step : steps) {
            try {
                step.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    // ---- the server's view, over HTTP(S)

    /** @return the server's clone of the page's list, in the page's shape: key to "title" or "title ✓" */
    Map<String, String> serverList(DemoPage page) {
        JsonNode clone = get(page.credentials(), "d/" + page.credentials().get("dbname") + "/clone");
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(clone.path("data").path("todos").properties());
        entries.sort(Comparator.<Map.Entry<String, JsonNode>>comparingLong(
                e -> e.getValue().get(1).path("created").asLong()).thenComparing(Map.Entry::getKey));
        Map<String, String> items = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries) {
            JsonNode value = e.getValue().get(1);
            items.put(e.getKey(), value.path("title").asText() + (value.path("done").asBoolean() ? " ✓" : ""));
        }
        return items;
    }

    /** @return the server's revision of the list these credentials (access, secret, dbname) open */
    /** @return what the demo server has logged so far (its access log included) */
    String serverLog() {
        return server.log();
    }

    long serverRevision(Map<String, String> c) {
        return get(c, "d/" + c.get("dbname")).path("revision").asLong();
    }

    private JsonNode get(Map<String, String> c, String path) {
        String auth = Base64.getEncoder().encodeToString(
                (c.get("access") + ":" + c.get("secret")).getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.api().resolve(path))
                    .header("Authorization", "Basic " + auth).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return json.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }
}
