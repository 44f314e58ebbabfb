package org.plasmid.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The standalone server's graceful stop, step by step: a request in flight holds the stop open and is
 * finished; a request that arrives meanwhile on a connection already open is refused as the protocol
 * refuses when it sheds load (503, {@code Retry-After}, a JSON error); new connections are not taken.
 */
class GracefulStopTest {
    /** Answers {@code /plasmid/fast} at once, and {@code /plasmid/slow} once released. */
    static final class ProbeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final transient CountDownLatch slowStarted = new CountDownLatch(1);
        final transient CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getPathInfo().equals("/slow")) {
                slowStarted.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            resp.setContentType("application/json");
            resp.getWriter().print("{\"path\": \"" + req.getPathInfo() + "\"}");
        }
    }

    /** A minimal HTTP/1.1 exchange on a socket kept open: the status, the headers and the body. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    private static Answer get(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; !(h = line(in)).isEmpty(); ) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void duringAStop_theRequestInFlightFinishes_andANewRequestOnAnOpenConnectionGetsTheProtocols503()
            throws Exception {
        ProbeServlet probe = new ProbeServlet();
        PlasmidServer server = PlasmidServer.start("127.0.0.1", 0, probe, Duration.ofSeconds(30));
        int port = server.port();
        try (Socket open = new Socket("127.0.0.1", port); Socket slow = new Socket("127.0.0.1", port)) {
            assertEquals(200, get(open, "/plasmid/fast").status(), "the connection is open and kept alive");
            CompletableFuture<Answer> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return get(slow, "/plasmid/slow");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(probe.slowStarted.await(30, TimeUnit.SECONDS));

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitConnectionsRefused(port);
            Answer refused = get(open, "/plasmid/fast");
            for (int i = 0; i < 100 && refused.status() == 200; i++) { // the connector may stop a moment first
                Thread.sleep(20);
                refused = get(open, "/plasmid/fast");
            }

            assertEquals(503, refused.status(), refused.toString());
            assertEquals("5", refused.headers().get("retry-after"), refused.toString());
            assertTrue(refused.headers().get("content-type").startsWith("application/json"), refused.toString());
            assertTrue(refused.body().contains("\"reason\":\"unavailable\"") && refused.body().contains("\"error\":"),
                    refused.toString());

            probe.release.countDown();
            Answer finished = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, finished.status());
            assertEquals("{\"path\": \"/slow\"}", finished.body());
            stopping.get(30, TimeUnit.SECONDS);
        } finally {
            probe.release.countDown();
            server.stop();
        }
    }

    /** Waits until the stop has begun: the server takes no new connection. */
    private static void awaitConnectionsRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(10);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                return;
            }
        }
        throw new AssertionError("the server still took connections 30 s after the stop began");
    }
}
