package org.plasmid.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * W7's client lines against a real Jetty server that counts the connections it sees: a device's requests
 * share its one connection (not one per request), and closing the client closes every line's connection,
 * held requests and all, though lines live outside the client's pool (the storm's simulated restart drops
 * the devices' connections so).
 */
class LiveHttpTest {
    private final AtomicInteger opened = new AtomicInteger();
    private final CountDownLatch twoClosed = new CountDownLatch(2);
    private final Queue<Callback> held = new ConcurrentLinkedQueue<>();
    private volatile boolean hold;
    private Server server;

    private URI start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                opened.incrementAndGet();
            }

            @Override
            public void onClosed(Connection connection) {
                twoClosed.countDown();
            }
        });
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (hold) {
                    held.add(callback); // answered never: a held long-poll
                } else {
                    response.setStatus(200);
                    callback.succeeded();
                }
                return true;
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/api/");
    }

    @AfterEach
    void stop() throws Exception {
        held.forEach(Callback::succeeded);
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aLine_sendsEveryRequestOnItsOneConnection() throws Exception {
        URI api = start();
        try (LiveHttp http = new LiveHttp(api, 1, 4, "test")) {
            LiveHttp.Line line = http.line();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, line.get("d/x/update/1", "Basic eDp5", null).get(10, TimeUnit.SECONDS).status());
            }
        }
        assertEquals(1, opened.get(), "three requests, one connection");
    }

    @Test
    void closingTheClient_closesEveryLinesConnection_withItsRequestStillHeld() throws Exception {
        hold = true;
        URI api = start();
        LiveHttp http = new LiveHttp(api, 1, 4, "test");
        CountDownLatch sent = new CountDownLatch(2);
        http.line().get("d/a/update/1?wait=25", "Basic eDp5", sent::countDown);
        http.line().get("d/b/update/1?wait=25", "Basic eDp5", sent::countDown);
        assertTrue(sent.await(10, TimeUnit.SECONDS), "both polls went out");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, held.size(), "the server holds both");
        assertEquals(2, opened.get());

        http.close();
        // a server notices a client's close when it next reads or writes: here, when it answers the polls
        // (left open, a connection would take the answer and wait for its next request)
        held.forEach(Callback::succeeded);

        assertTrue(twoClosed.await(10, TimeUnit.SECONDS), "the server saw both connections closed");
    }
}
