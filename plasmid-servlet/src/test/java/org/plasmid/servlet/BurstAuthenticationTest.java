package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.plasmid.core.PlasmidHub;
import org.plasmid.core.mapdb.MapDbStorage;

/**
 * A reconnect storm: every device of a token sends its first request at once (after a restart, or behind a
 * proxy where all share one address). Valid credentials are never refused 429, and the burst pays one slow
 * hash, however many requests are in flight when the first check ends.
 */
class BurstAuthenticationTest {
    private PlasmidHub hub;
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
        hub.close();
    }

    @Test
    void twoThousandConcurrentFirstRequests_withOneValidToken_areAll200_forOneSlowHash() throws Exception {
        // the real cost (100,000 iterations), so that the checks overlap as they do after a restart
        hub = PlasmidHub.builder().storage(MapDbStorage.inMemory(), true).build();
        hub.accounts().setSecret("device", "a-secret-the-user-chose");
        hub.accounts().grant("device", "ReadDatabase", "db", "Yes");
        hub.createDatabase("db");
        server = new TestServer(new QueuedThreadPool(200));
        server.mount(new PlasmidServlet(hub), TestServer.MAPPING);
        server.withNetwork().start();
        long before = hub.accounts().slowHashes();

        ExecutorService pool = Executors.newFixedThreadPool(16);
        HttpClient client = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(30)).build();
        URI uri = URI.create(server.networkApi() + "d/db");
        String auth = TestServer.basic("device", "a-secret-the-user-chose");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                answers.add(client.sendAsync(HttpRequest.newBuilder(uri).header("Authorization", auth)
                        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                byStatus.merge(a.get(180, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
            }
            assertEquals(Map.of(200, 2000), byStatus, "answers by status");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 1, hub.accounts().slowHashes(), "one slow hash for the whole burst");
    }

    @Test
    void manyDevicesBehindOneAddress_theirFirstChecksInProgressBeyondTheAddressLimit_areAll200()
            throws Exception {
        // 90 different tokens with chosen secrets (the slow hash, so their checks overlap) from one address,
        // whose limit is 30: attempts beyond it wait for checks in progress instead of being refused 429
        hub = PlasmidHub.builder().storage(MapDbStorage.inMemory(), true).build();
        hub.createDatabase("db");
        int devices = 90;
        for (int i = 0; i < devices; i++) {
            hub.accounts().setSecret("device" + i, "secret-of-device-" + i);
            hub.accounts().grant("device" + i, "ReadDatabase", "db", "Yes");
        }
        server = new TestServer(new QueuedThreadPool(200));
        server.mount(new PlasmidServlet(hub, PlasmidServletOptions.builder().authQueueWait(Duration.ofMinutes(5))
                .build()), TestServer.MAPPING);
        server.withNetwork().start();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        HttpClient client = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(30)).build();
        URI uri = URI.create(server.networkApi() + "d/db");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < devices; i++) {
                answers.add(client.sendAsync(HttpRequest.newBuilder(uri)
                        .header("Authorization", TestServer.basic("device" + i, "secret-of-device-" + i))
                        .timeout(Duration.ofSeconds(240)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                byStatus.merge(a.get(300, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
            }
            assertEquals(Map.of(200, devices), byStatus, "answers by status");
        } finally {
            pool.shutdownNow();
        }
    }
}
