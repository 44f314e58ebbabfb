package org.plasmid.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import org.plasmid.examples.client.SyncClient;

/**
 * W7's accounts, made over the protocol by an administrator: one per pair of devices, each with its own
 * database. Most are {@code POST a/} without an access or a secret, so the server generates both (and
 * stores the secret with a fast hash); a few are created with a chosen secret (PBKDF2), as people's
 * accounts are. Each gets {@code *} on its database, which is then created.
 */
final class LiveAccounts {
    /** One pair of devices: its database and credentials. */
    record Pair(int index, String db, String authorization, boolean chosenSecret) {
    }

    /** Requests in flight while setting up. */
    private static final int CONCURRENCY = 32;

    private LiveAccounts() {
    }

    /**
     * @param http the client to use
     * @param admin an administrator's {@code Authorization}
     * @param generated pairs on generated secrets
     * @param chosen pairs on chosen secrets
     * @param prefix starts every database and chosen access name (unique to this run)
     * @param random chooses the chosen secrets
     * @return the pairs, generated ones first
     * @throws IllegalStateException if the server refuses a step
     */
    static List<Pair> create(LiveHttp http, String admin, int generated, int chosen, String prefix, Random random)
            throws InterruptedException {
        Semaphore slots = new Semaphore(CONCURRENCY);
        List<CompletableFuture<Pair>> made = new ArrayList<>();
        for (int i = 0; i < generated + chosen; i++) {
            slots.acquire();
            int index = i;
            String db = prefix + "-" + i;
            ObjectNode body = SyncClient.JSON.createObjectNode();
            String chosenSecret = i >= generated ? secret(random) : null;
            if (chosenSecret != null) {
                body.put("access", prefix + "-c" + i);
                body.put("secret", chosenSecret);
            }
            CompletableFuture<Pair> pair = http.post("a/", admin, body.toString())
                    .thenCompose(a -> {
                        JsonNode created = expect(a, "POST a/").path("success");
                        String access = created.path("access").asText();
                        String auth = LiveHttp.basic(access,
                                created.hasNonNull("secret") ? created.get("secret").asText() : chosenSecret);
                        ObjectNode grant = SyncClient.JSON.createObjectNode()
                                .put("permission", "*").put("resource", db).put("value", "Yes");
                        return http.post("a/" + access, admin, grant.toString())
                                .thenCompose(g -> {
                                    expect(g, "POST a/" + access).path("success");
                                    return http.get("d/" + db, auth, null); // creates it, as its devices may
                                })
                                .thenApply(d -> {
                                    expect(d, "GET d/" + db);
                                    return new Pair(index, db, auth, index >= generated);
                                });
                    });
            pair.whenComplete((p, e) -> slots.release());
            made.add(pair);
        }
        List<Pair> pairs = new ArrayList<>();
        try {
            for (CompletableFuture<Pair> p : made) {
                pairs.add(p.join());
            }
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return pairs;
    }

    private static JsonNode expect(LiveHttp.Answer a, String what) {
        JsonNode body;
        try {
            body = SyncClient.JSON.readTree(a.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(what + ": HTTP " + a.status() + ", not JSON", e);
        }
        if (a.status() != 200 || body.has("error")) {
            throw new IllegalStateException("setting up W7's accounts, " + what + " was refused: HTTP " + a.status()
                    + " " + body);
        }
        return body;
    }

    /** A secret a person might choose: 16 letters and digits. */
    private static String secret(Random random) {
        String chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder s = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            s.append(chars.charAt(random.nextInt(chars.length())));
        }
        return s.toString();
    }
}
