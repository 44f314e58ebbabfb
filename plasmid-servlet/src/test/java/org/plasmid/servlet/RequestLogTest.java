package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One access-log line per request through SLF4J, with the access token and never the secret. The test
 * JVM's SLF4J backend writes to the file named by {@code org.slf4j.simpleLogger.logFile} (see the pom).
 */
class RequestLogTest extends ApiTestBase {
    private static final String SECRET = "Sup3r-Secret-Value-7f3a";

    private static List<String> logLines(String marker) throws Exception {
        Path file = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.contains(marker)).toList();
    }

    private static List<String> awaitLines(String marker, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> lines = logLines(marker);
        while (lines.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = logLines(marker);
        }
        return lines;
    }

    @Test
    void eachRequest_logsOneLine_withMethodPathStatusBytesAndAccess_butNeverTheSecret() throws Exception {
        hub.accounts().setSecret("logger-user", SECRET);
        hub.accounts().grant("logger-user", "*", "*", "Yes");
        String auth = TestServer.basic("logger-user", SECRET);
        String pushBody = "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}";
        int pushBytes = post("d/logdb-one/update/", auth, pushBody).getContent().getBytes(StandardCharsets.UTF_8).length;
        get("d/logdb-one/update/0?limit=5", auth);
        get("d/logdb-one", TestServer.basic("logger-user", SECRET + "-wrong"));
        post("a/", auth, "{\"access\": \"logdb-new\", \"secret\": \"" + SECRET + "\"}");

        List<String> lines = awaitLines("logdb-", 3);
        assertEquals(3, lines.size(), String.join("\n", lines));
        String push = lines.get(0);
        assertTrue(push.contains("\"POST /app/sync/v1/d/logdb-one/update/ HTTP/1.1\" 200 " + pushBytes + " "), push);
        assertTrue(push.contains(" - logger-user ["), push);
        assertTrue(lines.get(1).contains("\"GET /app/sync/v1/d/logdb-one/update/0?limit=5 HTTP/1.1\" 200 "), lines.get(1));
        assertTrue(lines.get(2).contains(" - - [") && lines.get(2).contains("\" 401 "), "no access when it failed: "
                + lines.get(2));
        // The line is written once the response is complete, so it may land after the client has its answer.
        assertFalse(awaitLines("\"POST /app/sync/v1/a/ HTTP/1.1\" 200", 1).isEmpty());
        List<String> all = Files.readAllLines(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        String base64 = Base64.getEncoder().encodeToString(("logger-user:" + SECRET).getBytes(StandardCharsets.UTF_8));
        for (String line : all) {
            assertFalse(line.contains(SECRET), line);
            assertFalse(line.contains(base64), line);
        }
    }
}
