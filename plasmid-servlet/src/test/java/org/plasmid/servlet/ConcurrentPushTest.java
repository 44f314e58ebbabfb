package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;

/** Two HTTP clients over real sockets push from the same revision at once: exactly one wins, every time. */
class ConcurrentPushTest {
    private static final int ROUNDS = 25;

    @Test
    void concurrentPushes_fromTheSameRevision_exactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (PlasmidHub hub = TestServer.fastHub()) {
            hub.accounts().setSecret("admin", "admin-secret");
            hub.accounts().grant("admin", "*", "*", "Yes");
            TestServer server = new TestServer().withNetwork();
            server.mount(new PlasmidServlet(hub), TestServer.MAPPING);
            server.start();
            String url = server.networkApi() + "d/race/update/";
            List<HttpClient> clients = List.of(HttpClient.newHttpClient(), HttpClient.newHttpClient());
            long revision = 1;
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Map<String, Object>>> answers = new ArrayList<>();
                for (int c = 0; c < 2; c++) {
                    HttpClient client = clients.get(c);
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", TestServer.basic("admin", "admin-secret"))
                            .header("Content-Type", "text/plain;charset=UTF-8")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"last_revision\": " + revision
                                    + ", \"data\": {\"s\": {\"client" + c + "\": " + round + "}}}"))
                            .build();
                    answers.add(pool.submit(() -> {
                        go.await();
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, r.statusCode(), r.body());
                        return TestJson.object(r.body());
                    }));
                }
                go.countDown();
                int won = 0;
                int outOfDate = 0;
                for (Future<Map<String, Object>> f : answers) {
                    Map<String, Object> a = f.get(30, TimeUnit.SECONDS);
                    if ("outofdate".equals(a.get("reason"))) {
                        outOfDate++;
                        assertEquals(String.valueOf(revision + 1), a.get("revision").toString());
                    } else {
                        won++;
                        assertEquals(String.valueOf(revision + 1), a.get("revision").toString());
                    }
                }
                assertEquals(1, won, "round " + round);
                assertEquals(1, outOfDate, "round " + round);
                revision++;
                assertEquals(revision, hub.info("race").revision());
            }
            server.close();
        } finally {
            pool.shutdownNow();
        }
    }
}
