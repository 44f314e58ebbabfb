package org.plasmid.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.plasmid.core.AccountResult;
import org.plasmid.core.DatabaseInfo;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PushResult;

/** How outcomes become HTTP (PROTOCOL.md §2), checked without a server. */
class AnswersTest {

    private static void assertAnswer(int status, String body, Answer a) {
        assertEquals(status, a.status(), a.bodyText());
        assertEquals(body, a.bodyText());
    }

    @Test
    void anAcceptedPush_isSavedAndRevision() {
        assertAnswer(200, "{\"saved\":3,\"revision\":8}",
                Answers.pushed(new PushResult(PushResult.Status.ACCEPTED, 8, 3), 7));
    }

    @Test
    void anOutOfDatePush_isHttp200_withTheCompatMessageAndKeys() {
        assertAnswer(200, "{\"error\":\"Cannot update. Master has changed. 9 > 4\",\"saved\":0,\"reason\":\"outofdate\","
                + "\"revision\":9}", Answers.pushed(new PushResult(PushResult.Status.OUT_OF_DATE, 9, 0), 4));
    }

    @Test
    void aPushOverQuota_isHttp200_quota() {
        assertAnswer(200, "{\"error\":\"quota exceeded\",\"saved\":0,\"reason\":\"quota\"}",
                Answers.pushed(new PushResult(PushResult.Status.QUOTA_EXCEEDED, 9, 0), 9));
    }

    @Test
    void aDuplicatePush_repeatsTheOriginalAnswer_markedDuplicate() {
        assertAnswer(200, "{\"saved\":2,\"revision\":5,\"duplicate\":true}",
                Answers.pushed(new PushResult(PushResult.Status.DUPLICATE, 5, 2), 4));
    }

    @Test
    void createdCredentials_areSuccessWithAccessSecretAndDbname() {
        AccountResult created = new AccountResult(null, null, "guest1", "s3cret", "guest_guest1", null);
        assertAnswer(200, "{\"success\":{\"access\":\"guest1\",\"secret\":\"s3cret\",\"dbname\":\"guest_guest1\"}}",
                Answers.account(created));
        AccountResult plain = new AccountResult(null, null, "bob", "pw", null, null);
        assertAnswer(200, "{\"success\":{\"access\":\"bob\",\"secret\":\"pw\",\"dbname\":null}}", Answers.account(plain));
    }

    @Test
    void aGrant_isSuccessWithAccessPermissionResourceValue() {
        AccountResult granted = new AccountResult(null, null, "bob", null, null,
                new Grant("bob", "ReadDatabase", "notes*", "Yes"));
        assertAnswer(200, "{\"success\":{\"access\":\"bob\",\"permission\":\"ReadDatabase\",\"resource\":\"notes*\","
                + "\"value\":\"Yes\"}}", Answers.account(granted));
    }

    @Test
    void refusals_areHttp200_withErrorAndReason() {
        for (AccountResult.Refusal r : AccountResult.Refusal.values()) {
            AccountResult refused = new AccountResult(r, "no way", null, null, null, null);
            assertAnswer(200, "{\"error\":\"no way\",\"reason\":\"" + r.code() + "\"}", Answers.account(refused));
        }
        assertAnswer(200, "{\"error\":\"Must have a permission to grant it.\",\"reason\":\"forbidden\"}",
                Answers.refused(AccountResult.Refusal.FORBIDDEN, "Must have a permission to grant it."));
    }

    @Test
    void infoAndGrants_haveTheProtocolsShapes() {
        assertAnswer(200, "{\"name\":\"notes\",\"revision\":1}", Answers.info(new DatabaseInfo("notes", 1, 0)));
        assertAnswer(200, "{\"permissions\":[{\"resource\":\"a\",\"permission\":\"ReadDatabase\",\"value\":\"Yes\"}]}",
                Answers.grants(List.of(new Grant("bob", "ReadDatabase", "a", "Yes"))));
        assertAnswer(200, "{\"permissions\":[{\"resource\":\"a\",\"permission\":\"ReadDatabase\",\"value\":\"Yes\","
                + "\"delegator\":\"carol\"}]}", Answers.grants(List.of(new Grant("bob", "ReadDatabase", "a", "Yes", "carol"))));
    }

    @Test
    void engineFailures_mapToTheirStatus() {
        Object[][] cases = {{PlasmidException.Reason.INVALID, 400, "invalid"},
            {PlasmidException.Reason.NOT_FOUND, 404, "notfound"}, {PlasmidException.Reason.TOO_LARGE, 413, "toolarge"},
            {PlasmidException.Reason.CLOSED, 503, "unavailable"}, {PlasmidException.Reason.STORAGE, 503, "unavailable"},
            {PlasmidException.Reason.HUB_IN_USE, 503, "unavailable"}};
        for (Object[] c : cases) {
            Answer a = Answers.failure(new PlasmidException((PlasmidException.Reason) c[0], "boom"));
            assertEquals(c[1], a.status(), c[0].toString());
            assertEquals(c[2], TestJson.object(a.bodyText()).get("reason"), c[0].toString());
            assertEquals(a.status() == 503, a.headers().containsKey("Retry-After"), c[0].toString());
        }
    }

    @Test
    void aStorageFailure_doesNotLeakItsMessage() {
        Answer a = Answers.failure(new PlasmidException(PlasmidException.Reason.STORAGE, "/var/lib/hub/index.mapdb broke"));
        assertFalse(a.bodyText().contains("/var/lib"), a.bodyText());
    }

    @Test
    void forbidden_is403_naming_theMissingPermission() {
        Answer a = Answers.failure(PlasmidException.forbidden("WriteDatabase", "notes"));
        assertEquals(403, a.status());
        Map<String, Object> body = TestJson.object(a.bodyText());
        assertEquals(Boolean.FALSE, body.get("authorized"));
        assertEquals("WriteDatabase", body.get("permission"));
        assertEquals("forbidden", body.get("reason"));
    }

    @Test
    void unauthorized_is401_withAPlasmidChallenge_notBasic() {
        Answer a = Answers.unauthorized();
        assertEquals(401, a.status());
        assertEquals(Map.of("WWW-Authenticate", "Plasmid realm=\"plasmid\""), a.headers());
        assertEquals(Boolean.FALSE, TestJson.object(a.bodyText()).get("authorized"));
    }

    @Test
    void protocolErrors_haveErrorAndReason() {
        assertAnswer(400, "{\"error\":\"bad\",\"reason\":\"invalid\"}", Answers.badRequest("bad"));
        assertAnswer(404, "{\"error\":\"gone\",\"reason\":\"notfound\"}", Answers.notFound("gone"));
        assertAnswer(413, "{\"error\":\"big\",\"reason\":\"toolarge\"}", Answers.tooLarge("big"));
        assertAnswer(500, "{\"error\":\"internal server error\",\"reason\":\"internal\"}", Answers.serverError());
        Answer m = Answers.methodNotAllowed(List.of("GET", "POST"));
        assertEquals(405, m.status());
        assertEquals(Map.of("Allow", "GET, POST"), m.headers());
        Answer u = Answers.unavailable("busy");
        assertEquals(503, u.status());
        assertEquals(Map.of("Retry-After", "5"), u.headers());
    }

    @Test
    void messages_areEscapedAsJson() {
        assertEquals("bad \"name\"\n\u00e9", TestJson.object(Answers.badRequest("bad \"name\"\n\u00e9").bodyText())
                .get("error"));
    }
}
