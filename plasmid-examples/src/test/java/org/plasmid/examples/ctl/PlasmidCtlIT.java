package org.plasmid.examples.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.examples.CtlJar;
import org.plasmid.examples.Device;
import org.plasmid.examples.client.SyncClient;

/**
 * The seed document's workflow against the real {@code plasmidctl.jar}, in a fresh directory: set a
 * secret, grant everything, serve; two devices sync; SIGTERM; restart; the data is still there.
 */
class PlasmidCtlIT {
    @TempDir
    Path work;

    private static JsonNode json(String text) throws Exception {
        return Device.JSON.readTree(text);
    }

    @Test
    void seedWorkflow_twoDevicesSync_andTheDataSurvivesARestart() throws Exception {
        // The seed's credential steps, verbatim.
        CtlJar.Result secret = CtlJar.run(work, "--set-secret", "test", "secret123");
        assertEquals(0, secret.exitCode(), secret::toString);
        assertEquals("Created account test.\n", secret.out());
        CtlJar.Result grant = CtlJar.run(work, "--grant-permission", "test", "*", "*");
        assertEquals(0, grant.exitCode(), grant::toString);
        assertEquals("Granted test: * on * = Yes.\n", grant.out());

        URI api;
        try (CtlJar.Server server = CtlJar.serve(work, "--port", "0")) {
            api = server.api();
            assertEquals(work.resolve("hub").toRealPath(), server.hub().toRealPath(), "serves ./hub by default");
            assertTrue(api.toString().startsWith("http://127.0.0.1:"), api::toString);

            Device a = new Device(api, "notes", "test", "secret123");
            Device b = new Device(api, "notes", "test", "secret123");

            // Device A pushes; device B pulls and sees it.
            assertEquals(json("{\"saved\": 1, \"revision\": 2}"), a.push("things", "milk", Map.of("qty", 2)).body());
            SyncClient.Response pulled = b.pull();
            assertEquals(json("{\"since\": 1, \"until\": 2, \"updates\": [[\"things\", 2, \"milk\", {\"qty\": 2}]]}"),
                    pulled.body());
            assertEquals(json("{\"qty\": 2}"), b.local.get("things/milk"));

            // A pushes again; B, still at revision 2, is out of date, pulls, retries and is accepted.
            assertEquals(3, a.push("things", "eggs", 12).body().get("revision").asLong());
            SyncClient.Response stale = b.push("things", "milk", Map.of("qty", 3));
            assertEquals(200, stale.status());
            com.fasterxml.jackson.databind.node.ObjectNode compat = stale.body().deepCopy();
            compat.remove(java.util.List.of("updates", "until")); // (ext) the missed changes, after the compat fields
            assertEquals(json("{\"error\": \"Cannot update. Master has changed. 3 > 2\", \"saved\": 0,"
                    + " \"reason\": \"outofdate\", \"revision\": 3}"), compat);
            b.pull();
            assertEquals(json("12"), b.local.get("things/eggs"));
            assertEquals(json("{\"saved\": 1, \"revision\": 4}"), b.push("things", "milk", Map.of("qty", 3)).body());
            a.pull();
            assertEquals(b.local, a.local);

            // Credentials matter: a wrong secret is refused without a browser login dialog.
            SyncClient.Response intruder = new Device(api, "notes", "test", "wrong").get("d/notes");
            assertEquals(401, intruder.status());
            assertEquals(false, intruder.body().get("authorized").asBoolean());

            // An admin command while the server holds the hub: a clear error, nothing changed.
            CtlJar.Result busy = CtlJar.run(work, "--grant-permission", "test", "ReadDatabase", "x", "No");
            assertEquals(1, busy.exitCode(), busy::toString);
            assertTrue(busy.err().matches("(?s)plasmidctl: hub .*hub is in use by another process.*"), busy::toString);

            // SIGTERM: a graceful stop, the hub closed, exit code 0.
            assertEquals(0, server.terminate(), server::log);
            assertTrue(server.log().contains("Plasmid Sync stopped; hub "), server::log);
        }

        // The admin command now works (the hub was released), and the refused grant was never made.
        CtlJar.Result list = CtlJar.run(work, "--list-accounts");
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals("test\n    * on * = Yes\n", list.out());

        try (CtlJar.Server again = CtlJar.serve(work, "--port", "0")) {
            Device c = new Device(again.api(), "notes", "test", "secret123");
            assertEquals(json("{\"name\": \"notes\", \"revision\": 4}"), c.get("d/notes").body());
            assertEquals(json("{\"data\": {\"things\": {\"eggs\": [3, 12], \"milk\": [4, {\"qty\": 3}]}},"
                    + " \"revision\": 4}"), c.get("d/notes/clone").body());
            assertEquals(0, again.terminate(), again::log);
        }
    }

    @Test
    void aServletOption_takesEffect_aPerTokenPollCapOf1_answersASecondPoll503() throws Exception {
        assertEquals(0, CtlJar.run(work, "--set-secret", "test", "secret123").exitCode());
        assertEquals(0, CtlJar.run(work, "--grant-permission", "test", "*", "*").exitCode());
        try (CtlJar.Server server = CtlJar.serve(work, "--port", "0", "--servlet-option", "max-held-polls-per-access=1")) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest poll = java.net.http.HttpRequest.newBuilder(
                            server.api().resolve("d/polls/update/1?wait=20"))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            "test:secret123".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build();
            assertEquals(200, new Device(server.api(), "polls", "test", "secret123").get("d/polls").status());
            var first = http.sendAsync(poll, java.net.http.HttpResponse.BodyHandlers.ofString());
            var second = http.sendAsync(poll, java.net.http.HttpResponse.BodyHandlers.ofString());
            // whichever came second is over the cap and answered at once; the other is held until a push
            java.util.concurrent.CompletableFuture.anyOf(first, second).get(15, java.util.concurrent.TimeUnit.SECONDS);
            var heldPoll = first.isDone() ? second : first;
            var r = (first.isDone() ? first : second).join();
            assertEquals(503, r.statusCode(), r::toString);
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), r::toString);
            // asked before the push: the push's answer races the held poll's, which it wakes
            assertFalse(heldPoll.isDone(), "the other poll is held");
            assertEquals(1, new Device(server.api(), "polls", "test", "secret123").push("things", "k", 1)
                    .body().get("saved").asInt());
            var held = heldPoll.get(15, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, held.statusCode(), held::toString);
            assertEquals(json("{\"since\": 1, \"until\": 2, \"updates\": [[\"things\", 2, \"k\", 1]]}"),
                    json(held.body()));
            assertEquals(0, server.terminate(), server::log);
        }
    }

    @Test
    void theServer_servesNothingAtTheRoot_andListensOnTheAddressGiven() throws Exception {
        try (CtlJar.Server server = CtlJar.serve(work, "--port", "0", "--host", "127.0.0.1",
                "-p", "elsewhere")) {
            assertEquals(work.resolve("elsewhere").toRealPath(), server.hub().toRealPath());
            assertTrue(Files.isDirectory(work.resolve("elsewhere")));
            int root = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(server.api().resolve("/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            assertEquals(404, root);
            assertEquals(0, server.terminate(), server::log);
        }
    }

    @Test
    void aSecondServerOnTheSameHub_refusesToStart_withExitCode1() throws Exception {
        try (CtlJar.Server server = CtlJar.serve(work, "--port", "0")) {
            CtlJar.Result second = CtlJar.run(work, "--port", "0");

            assertEquals(1, second.exitCode(), second::toString);
            assertTrue(second.err().contains("is in use by another process"), second::toString);
            assertEquals(0, server.terminate(), server::log);
        }
    }

    @Test
    void theJar_printsPicocliHelp_itsVersion_andAMistypedOptionAsOneLineWithASuggestion() throws Exception {
        CtlJar.Result help = CtlJar.run(work, "--help");
        assertEquals(0, help.exitCode(), help::toString);
        assertTrue(help.out().startsWith("Usage: java -jar plasmidctl.jar [OPTIONS] [ACTION]\n"), help::toString);
        assertTrue(help.out().contains("\nAdmin actions (at most one;"), help::toString);
        assertEquals("", help.err());

        CtlJar.Result version = CtlJar.run(work, "--version");
        assertEquals(0, version.exitCode(), version::toString);
        assertTrue(version.out().startsWith("plasmidctl " + System.getProperty("plasmid.version") + "\n"),
                version::toString);

        CtlJar.Result typo = CtlJar.run(work, "--hub-pth", "x");
        assertEquals(2, typo.exitCode(), typo::toString);
        assertEquals("", typo.out());
        assertEquals("plasmidctl: unknown option '--hub-pth'; did you mean --hub-path? (see --help)\n", typo.err());
        assertFalse(Files.exists(work.resolve("hub")), "a wrong command line touches nothing");
    }
}
