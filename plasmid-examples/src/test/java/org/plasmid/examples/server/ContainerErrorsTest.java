package org.plasmid.examples.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.servlet.PlasmidServlet;

/**
 * The standalone server answers even the requests Jetty refuses itself (before the API servlet sees
 * them) in the protocol's JSON shape, and serves nothing outside {@code /plasmid/}: no TRACE echo.
 */
class ContainerErrorsTest {
    private static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
            "someone:Sx-container-secret".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    /**
     * Sends raw bytes with Connection: close and returns everything the server answered. The sending side
     * stays open until the answer is read: a half-close arriving while Jetty still parses an oversized
     * header made it answer 400 (early end of input) instead of 431, now and then.
     */
    private static String send(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0;) {
                all.write(buf, 0, n);
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String get(String target, String extraHeaders) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: " + AUTH
                + "\r\n" + extraHeaders + "\r\n";
    }

    @Test
    void requestsRefusedByJetty_andPathsOutsideTheMount_getTheProtocolsJsonError() throws Exception {
        Serving serving = Serving.start(tmp.resolve("hub"), "127.0.0.1", 0, PlasmidServlet::new, Duration.ofSeconds(2));
        try {
            String[][] cases = {
                {"400", get("/plasmid/v1/d/%2e%2e", "")},
                {"400", get("/plasmid/v1/d/a%2fb/clone", "")},
                {"400", get("/plasmid/v1/d/a%5cb", "")},
                {"400", get("/plasmid/v1/d/%zz", "")},
                {"400", get("/plasmid/v1/d/a%00b", "")},
                {"431", get("/plasmid/v1/d/x", "X-Big: " + "y".repeat(20_000) + "\r\n")},
                {"400", "GARBAGE\r\n\r\n"},
                {"400", "POST /plasmid/v1/d/x/update/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: "
                        + "chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"},
                {"404", get("/", "")},
                {"404", get("/elsewhere/v1/d/x", "")},
                {"404", get("/plasmid/v1/../../x", "")},
                {"405", get("/", "").replace("GET", "TRACE")},
                {"405", get("/elsewhere", "").replace("GET", "TRACK")},
                {"404", get("/", "").replace("GET", "OPTIONS")},
                {"405", get("/plasmid/v1/d/x", "").replace("GET", "TRACE")},
                {"401", get("/plasmid/v1/d/x", "")},
            };
            ObjectMapper json = new ObjectMapper();
            for (String[] c : cases) {
                String answer = send(serving.port(), c[1]);
                String what = c[1].substring(0, Math.min(60, c[1].length())) + " -> " + answer;
                assertTrue(answer.startsWith("HTTP/1.1 " + c[0] + " "), what);
                int bodyStart = answer.indexOf("\r\n\r\n") + 4;
                String head = answer.substring(0, bodyStart).toLowerCase(java.util.Locale.ROOT);
                assertTrue(head.contains("content-type: application/json"), what);
                JsonNode body = json.readTree(answer.substring(bodyStart));
                assertTrue(body.path("error").isTextual() && body.path("reason").isTextual(), what);
                assertFalse(answer.contains(AUTH.substring(6)), "credentials echoed: " + what);
                assertFalse(answer.contains("Sx-container-secret"), "secret echoed: " + what);
            }
        } finally {
            assertEquals(Serving.Stopped.CLEANLY, serving.stop());
        }
    }
}
