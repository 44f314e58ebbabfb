package org.plasmid.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.plasmid.core.PlasmidHub;
import org.plasmid.examples.server.PlasmidServer;
import org.plasmid.examples.server.Serving;
import org.plasmid.servlet.PlasmidServlet;

/** What {@code --demo} serves and what it sets up on the hub: a sign-up account that can only create guests. */
class DemoWebAppTest {
    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String access, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((access + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theDemoIsServedAtTheRoot_besideTheApi_withItsSignUpAccount_whichCanOnlyCreateGuests() throws Exception {
        Serving serving = Serving.start(tmp.resolve("hub"), "127.0.0.1", 0, PlasmidServlet::new,
                Duration.ofSeconds(2), hub -> DemoWebApp.setUp(hub, PlasmidServer.API_PATH));
        String oldSecret;
        try {
            URI root = serving.apiUri().resolve("/");
            HttpResponse<String> page = send(HttpRequest.newBuilder(root));
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("<script type=\"module\" src=\"app.js\">"), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());
            HttpResponse<String> client = send(HttpRequest.newBuilder(root.resolve("/plasmid-client.js")));
            assertEquals(200, client.statusCode());
            assertTrue(client.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
            assertEquals(404, send(HttpRequest.newBuilder(root.resolve("/nothing.html"))).statusCode());

            JsonNode config = json.readTree(send(HttpRequest.newBuilder(root.resolve("/demo-config.json"))).body());
            assertEquals("/plasmid/v1/", config.path("api").asText());
            assertEquals(DemoWebApp.SIGNUP_ACCESS, config.path("signup").path("access").asText());
            oldSecret = config.path("signup").path("secret").asText();
            String signup = basic(DemoWebApp.SIGNUP_ACCESS, oldSecret);

            JsonNode guest = json.readTree(send(HttpRequest.newBuilder(serving.apiUri().resolve("a/"))
                    .header("Authorization", signup)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"guest\"}"))).body());
            String dbname = guest.path("success").path("dbname").asText();
            assertTrue(dbname.startsWith(DemoWebApp.GUEST_PREFIX), guest.toString());

            JsonNode account = json.readTree(send(HttpRequest.newBuilder(serving.apiUri().resolve("a/"))
                    .header("Authorization", signup)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))).body());
            assertEquals("forbidden", account.path("reason").asText(), "no ordinary accounts: " + account);
            assertEquals(403, send(HttpRequest.newBuilder(serving.apiUri().resolve("d/" + dbname))
                    .header("Authorization", signup)).statusCode(), "no reading the guests' lists");
            String guestAccess = guest.path("success").path("access").asText();
            JsonNode takeover = json.readTree(send(HttpRequest.newBuilder(serving.apiUri().resolve("a/"))
                    .header("Authorization", signup).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"access\": \"" + guestAccess + "\", \"secret\": \"taken\"}"))).body());
            assertEquals("forbidden", takeover.path("reason").asText(), "no right over the guests it made");
            JsonNode lockout = json.readTree(send(HttpRequest.newBuilder(serving.apiUri().resolve("a/"))
                    .header("Authorization", signup).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"access\": \"demo-signup\", \"secret\": \"taken\"}"))).body());
            assertEquals("forbidden", lockout.path("reason").asText(), "nor over its own secret: " + lockout);
            JsonNode listed = json.readTree(send(HttpRequest.newBuilder(serving.apiUri().resolve("a/demo-signup"))
                    .header("Authorization", signup)).body());
            assertFalse(listed.toString().contains(guestAccess), "its grants name no guest: " + listed);
        } finally {
            assertEquals(Serving.Stopped.CLEANLY, serving.stop());
        }

        try (PlasmidHub hub = PlasmidHub.open(tmp.resolve("hub"))) {
            assertFalse(hub.accounts().authenticate(DemoWebApp.SIGNUP_ACCESS, oldSecret),
                    "the published secret is dead once the demo stops");
            assertTrue(hub.accounts().grants(DemoWebApp.SIGNUP_ACCESS).stream()
                    .noneMatch(g -> g.permission().equals("SetSecret") && g.allows()), "no SetSecret on the guests it made");
        }
    }

    @Test
    void aSignUpAccountWithMoreRights_isNeverPublished() {
        try (PlasmidHub hub = PlasmidHub.inMemory()) {
            hub.accounts().setSecret(DemoWebApp.SIGNUP_ACCESS, "chosen-by-an-admin");
            hub.accounts().grant(DemoWebApp.SIGNUP_ACCESS, "ReadDatabase", "*", "Yes");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> DemoWebApp.setUp(hub, "/plasmid/v1/"));
            assertTrue(e.getMessage().contains("ReadDatabase"), e.getMessage());
            assertTrue(hub.accounts().authenticate(DemoWebApp.SIGNUP_ACCESS, "chosen-by-an-admin"), "left alone");
        }
    }
}
