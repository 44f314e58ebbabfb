package org.plasmid.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.plasmid.core.Change;
import org.plasmid.core.JsonValue;
import org.plasmid.core.PlasmidHub;

/**
 * Run by {@link WithoutMicrometerTest} in a JVM whose class path holds no Micrometer: the engine and the
 * servlet serve every kind of request over a real port. Prints {@code OK} and exits 0, or fails.
 */
public final class WithoutMicrometerMain {
    private WithoutMicrometerMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            throw new AssertionError("Micrometer is on the class path: the test proves nothing");
        } catch (ClassNotFoundException expected) {
            // as it should be
        }
        try (PlasmidHub hub = TestServer.fastHub()) {
            hub.accounts().setSecret("admin", "admin-secret");
            hub.accounts().grant("admin", "*", "*", "Yes");
            PlasmidServlet servlet = new PlasmidServlet(hub);
            try (TestServer server = new TestServer()) {
                server.mount(servlet, TestServer.MAPPING);
                server.withNetwork().start();
                String api = server.networkApi();
                HttpClient http = HttpClient.newHttpClient();
                String admin = TestServer.basic("admin", "admin-secret");
                expect(http, HttpRequest.newBuilder(URI.create(api + "d/notes/update/")).header("Authorization", admin)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}"))
                        .build(), 200, "\"revision\":2");
                expect(http, HttpRequest.newBuilder(URI.create(api + "d/notes/update/1")).header("Authorization", admin)
                        .build(), 200, "\"until\":2");
                expect(http, HttpRequest.newBuilder(URI.create(api + "d/notes/update/2?wait=0.2"))
                        .header("Authorization", admin).build(), 200, "\"updates\":[]");
                Thread pusher = new Thread(() -> hub.push("notes", 2, List.of(Change.put("s", "x", JsonValue.parse("2")))));
                HttpRequest poll = HttpRequest.newBuilder(URI.create(api + "d/notes/update/2?wait=20"))
                        .header("Authorization", admin).build();
                var pending = http.sendAsync(poll, HttpResponse.BodyHandlers.ofString());
                Thread.sleep(300);
                pusher.start();
                String polled = pending.get().body();
                if (!polled.contains("\"x\"")) {
                    throw new AssertionError("the held poll was not answered by the push: " + polled);
                }
                expect(http, HttpRequest.newBuilder(URI.create(api + "d/notes"))
                        .header("Authorization", TestServer.basic("admin", "wrong")).build(), 401, "request_id");
                expect(http, HttpRequest.newBuilder(URI.create(api.replace("/v1/", "/health/ready"))).build(), 200,
                        "\"status\":\"up\"");
                expect(http, HttpRequest.newBuilder(URI.create(api.replace("/v1/", "/health/live"))).build(), 200,
                        "\"status\":\"up\"");
            }
        }
        System.out.println("OK");
    }

    private static void expect(HttpClient http, HttpRequest request, int status, String contains) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status || !r.body().contains(contains)) {
            throw new AssertionError(request.uri() + ": " + r.statusCode() + " " + r.body());
        }
    }
}
