package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/** POST a/, GET a/{access}, POST a/{access}, DELETE a/{access}/{permission}/{resource} (PROTOCOL.md §5). */
class AccountEndpointsTest extends ApiTestBase {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> success(HttpTester.Response r) {
        assertEquals(200, r.getStatus(), r.getContent());
        return (Map<String, Object>) json(r).get("success");
    }

    @Test
    void createCredentials_withoutAccess_generatesAnAccessAndASecret_thatWork() throws Exception {
        HttpTester.Response r = post("a/", ADMIN, "{}");
        Map<String, Object> s = success(r);
        assertEquals(List.of("access", "secret", "dbname"), List.copyOf(s.keySet()));
        String access = (String) s.get("access");
        String secret = (String) s.get("secret");
        assertTrue(access.length() >= 22 && secret.length() >= 22, r.getContent());
        assertNull(s.get("dbname"));
        assertEquals(200, get("a/" + access, TestServer.basic(access, secret)).getStatus());
    }

    @Test
    void createCredentials_withAnEmptyBody_isLikeAnEmptyObject() throws Exception {
        assertTrue(success(post("a/", ADMIN, "")).get("access") instanceof String);
    }

    @Test
    void createCredentials_named_givesTheCreatorSetSecret() throws Exception {
        Map<String, Object> s = success(post("a/", ADMIN, "{\"access\": \"carol\", \"secret\": \"carol-pw\"}"));
        assertEquals(Map.of("access", "carol", "secret", "carol-pw"), Map.of("access", s.get("access"), "secret",
                s.get("secret")));
        assertTrue(hub.accounts().check("admin", "SetSecret", "carol").allowed());
        assertEquals(200, get("a/carol", TestServer.basic("carol", "carol-pw")).getStatus());
    }

    @Test
    void createCredentials_withoutCreateAccess_isRefusedForbidden_withHttp200() throws Exception {
        HttpTester.Response r = post("a/", BOB, "{\"access\": \"dave\"}");
        assertEquals(200, r.getStatus());
        assertEquals("forbidden", json(r).get("reason"));
        assertTrue(json(r).get("error") instanceof String);
        assertEquals(List.of("error", "reason"), List.copyOf(json(r).keySet()));
    }

    @Test
    void createCredentials_forAnotherExistingToken_isRefused_andCannotTakeItOver() throws Exception {
        HttpTester.Response r = post("a/", BOB, "{\"access\": \"admin\", \"secret\": \"stolen\"}");
        assertEquals(200, r.getStatus());
        // bob lacks CreateAccess: the same refusal as for a token that does not exist (no enumeration)
        assertEquals(json(post("a/", BOB, "{\"access\": \"nobody-here\", \"secret\": \"x\"}")), json(r));
        assertEquals("forbidden", json(r).get("reason"));
        assertEquals(401, get("d/x", TestServer.basic("admin", "stolen")).getStatus());
        assertEquals(200, get("d/x", ADMIN).getStatus());
    }

    @Test
    void createCredentials_forItself_changesItsOwnSecret() throws Exception {
        success(post("a/", BOB, "{\"access\": \"bob\", \"secret\": \"new-secret\"}"));
        assertEquals(401, get("a/bob", BOB).getStatus());
        assertEquals(200, get("a/bob", TestServer.basic("bob", "new-secret")).getStatus());
    }

    @Test
    void createCredentials_ofAGuest_namesItsOwnDatabase_whichItCanUse() throws Exception {
        hub.accounts().grant("bob", "CreateGuest", "*", "Yes");
        Map<String, Object> s = success(post("a/", BOB, "{\"type\": \"guest\"}"));
        String access = (String) s.get("access");
        assertEquals("guest_" + access, s.get("dbname"));
        String guest = TestServer.basic(access, (String) s.get("secret"));
        assertEquals("{\"saved\":1,\"revision\":2}",
                post("d/guest_" + access + "/update/", guest, "{\"last_revision\": 1, \"data\": {\"s\": {\"k\": 1}}}")
                        .getContent());
        assertEquals(403, get("d/other", guest).getStatus());
    }

    @Test
    void createCredentials_withASecretButNoAccess_orAnUnknownType_isRefusedInvalid() throws Exception {
        for (String body : new String[] {"{\"secret\": \"s\"}", "{\"type\": \"admin\"}", "{\"access\": \"no/slash\"}"}) {
            HttpTester.Response r = post("a/", ADMIN, body);
            assertEquals(200, r.getStatus(), body);
            assertEquals("invalid", json(r).get("reason"), body);
        }
    }

    @Test
    void createCredentials_withFieldsOfTheWrongType_is400() throws Exception {
        for (String body : new String[] {"{\"access\": 5}", "[]", "{\"secret\": {}}", "nope"}) {
            assertEquals(400, post("a/", ADMIN, body).getStatus(), body);
        }
    }

    @Test
    void listGrants_ofItself_orByAnAdministrator_listsEveryGrantItHolds() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "notes", "Yes");
        hub.accounts().grant("bob", "WriteDatabase", "notes", "No");
        String expected = "{\"permissions\":[{\"resource\":\"notes\",\"permission\":\"ReadDatabase\",\"value\":\"Yes\"},"
                + "{\"resource\":\"notes\",\"permission\":\"WriteDatabase\",\"value\":\"No\"}]}";
        assertEquals(expected, get("a/bob", BOB).getContent());
        assertEquals(expected, get("a/bob", ADMIN).getContent());
    }

    @Test
    void listGrants_ofAnotherToken_is403() throws Exception {
        HttpTester.Response r = get("a/admin", BOB);
        assertEquals(403, r.getStatus());
        assertEquals(Boolean.FALSE, json(r).get("authorized"));
        assertTrue(json(r).containsKey("permission"));
    }

    @Test
    void grant_ofWhatTheCallerHolds_succeeds() throws Exception {
        HttpTester.Response r = post("a/bob", ADMIN,
                "{\"permission\": \"ReadDatabase\", \"resource\": \"notes\", \"value\": \"Yes\"}");
        assertEquals(200, r.getStatus());
        assertEquals("{\"success\":{\"access\":\"bob\",\"permission\":\"ReadDatabase\",\"resource\":\"notes\","
                + "\"value\":\"Yes\"}}", r.getContent());
        hub.createDatabase("notes");
        assertEquals(200, get("d/notes/update/0", BOB).getStatus());
    }

    @Test
    void grant_ofWhatTheCallerLacks_isRefused_withTheCompatMessage() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "mine", "Yes");
        HttpTester.Response r = post("a/admin", BOB,
                "{\"permission\": \"WriteDatabase\", \"resource\": \"mine\", \"value\": \"Yes\"}");
        assertEquals(200, r.getStatus());
        assertEquals("{\"error\":\"Must have a permission to grant it.\",\"reason\":\"forbidden\"}", r.getContent());
        assertTrue(hub.accounts().grants("admin").stream().noneMatch(g -> g.resource().equals("mine")));
    }

    @Test
    void grant_withoutAValue_isRefused() throws Exception {
        HttpTester.Response r = post("a/bob", ADMIN, "{\"permission\": \"ReadDatabase\", \"resource\": \"notes\"}");
        assertEquals(200, r.getStatus());
        assertEquals("invalid", json(r).get("reason"));
        assertNotEquals(Boolean.TRUE, hub.accounts().check("bob", "ReadDatabase", "notes").allowed());
    }

    @Test
    void revoke_removesTheGrant_andAgainSaysNotFound() throws Exception {
        hub.accounts().grant("bob", "ReadDatabase", "note*", "Yes");
        hub.createDatabase("notes");
        assertEquals(200, get("d/notes", BOB).getStatus());
        HttpTester.Response r = delete("a/bob/ReadDatabase/note*", ADMIN);
        assertEquals("{\"success\":{\"access\":\"bob\",\"permission\":\"ReadDatabase\",\"resource\":\"note*\","
                + "\"value\":\"\"}}", r.getContent());
        assertEquals(403, get("d/notes", BOB).getStatus());
        HttpTester.Response again = delete("a/bob/ReadDatabase/note*", ADMIN);
        assertEquals(200, again.getStatus());
        assertEquals("notfound", json(again).get("reason"));
    }

    @Test
    void revoke_byATokenWithoutTheRight_isRefusedForbidden() throws Exception {
        HttpTester.Response r = delete("a/admin/*/*", BOB);
        assertEquals(200, r.getStatus());
        assertEquals("forbidden", json(r).get("reason"));
        assertTrue(hub.accounts().check("admin", "ReadDatabase", "x").allowed());
    }
}
