package org.plasmid.servlet;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.AccountResult;
import org.plasmid.core.Change;
import org.plasmid.core.DatabaseInfo;
import org.plasmid.core.Grant;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PushResult;

/**
 * The one place where outcomes become HTTP (PROTOCOL.md §2): application outcomes the client must see
 * (a rejected push, a refused credential operation) are status 200 with {@code error} and
 * {@code reason}; protocol failures get their own status with a {@code {"error", "reason"}} body.
 * Key order follows PROTOCOL.md exactly.
 */
final class Answers {
    /** Seconds a client is asked to wait before retrying a 503. */
    static final int RETRY_AFTER_SECONDS = 5;
    /** The challenge of a 401: deliberately not {@code Basic}, so browsers show no login dialog. */
    static final String CHALLENGE = "Plasmid realm=\"plasmid\"";

    private Answers() {
    }

    /**
     * @param result the push outcome
     * @param lastRevision the {@code last_revision} the client sent (quoted in the outofdate message)
     * @return 200 with {@code saved}/{@code revision}, or 200 with an outofdate or quota error
     */
    static Answer pushed(PushResult result, long lastRevision) {
        return pushed(result, lastRevision, null);
    }

    /**
     * @param result the push outcome
     * @param lastRevision the {@code last_revision} the client sent (quoted in the outofdate message)
     * @param missed for an outofdate push, the changes the client missed, or null to send none
     * @return as {@link #pushed(PushResult, long)}; an outofdate answer adds (ext) {@code updates} and
     *     {@code until} after the compat fields when {@code missed} is given
     */
    static Answer pushed(PushResult result, long lastRevision, @Nullable MissedChanges missed) {
        return answer(200, Map.of(), missed == null ? 128 : missed.bytes(), (g, out) -> {
            switch (result.status()) {
                case OUT_OF_DATE:
                    g.writeStringField("error", "Cannot update. Master has changed. " + result.revision() + " > "
                            + lastRevision);
                    g.writeNumberField("saved", 0);
                    g.writeStringField("reason", "outofdate");
                    g.writeNumberField("revision", result.revision());
                    if (missed != null) {
                        g.writeArrayFieldStart("updates");
                        for (Change c : missed.changes()) {
                            g.writeStartArray();
                            g.writeString(c.store());
                            g.writeNumber(c.revision());
                            g.writeString(c.key());
                            Json.writeRaw(g, out, c.value()); // validated UTF-8 JSON: the same bytes
                            g.writeEndArray();
                        }
                        g.writeEndArray();
                        g.writeNumberField("until", missed.until());
                    }
                    break;
                case QUOTA_EXCEEDED:
                    g.writeStringField("error", "quota exceeded");
                    g.writeNumberField("saved", 0);
                    g.writeStringField("reason", "quota");
                    break;
                case DUPLICATE:
                    g.writeNumberField("saved", result.saved());
                    g.writeNumberField("revision", result.revision());
                    g.writeBooleanField("duplicate", true);
                    break;
                case ACCEPTED:
                default:
                    g.writeNumberField("saved", result.saved());
                    g.writeNumberField("revision", result.revision());
            }
        });
    }

    /**
     * @param result a credential, grant or revocation outcome
     * @return 200 with {@code success}, or 200 with {@code error} and {@code reason}
     */
    static Answer account(AccountResult result) {
        if (!result.succeeded()) {
            return refused(result.refusal(), result.message());
        }
        return ok(g -> {
            g.writeObjectFieldStart("success");
            if (result.grant() != null) {
                Grant grant = result.grant();
                g.writeStringField("access", grant.access());
                g.writeStringField("permission", grant.permission());
                g.writeStringField("resource", grant.resource());
                g.writeStringField("value", grant.value());
            } else {
                g.writeStringField("access", result.access());
                g.writeStringField("secret", result.secret());
                g.writeStringField("dbname", result.dbname());
            }
            g.writeEndObject();
        });
    }

    /**
     * @param refusal why an account operation was refused
     * @param message the human message
     * @return 200 with {@code error} and {@code reason} (compat)
     */
    static Answer refused(AccountResult.Refusal refusal, String message) {
        return ok(g -> {
            g.writeStringField("error", message);
            g.writeStringField("reason", refusal.code());
        });
    }

    /**
     * @param info a database's info
     * @return 200 {@code {"name", "revision"}}
     */
    static Answer info(DatabaseInfo info) {
        return ok(g -> {
            g.writeStringField("name", info.name());
            g.writeNumberField("revision", info.revision());
        });
    }

    /**
     * @param grants the allowing grants of a token
     * @return 200 {@code {"permissions": [{"resource", "permission", "value"}, ...]}}, with (ext)
     *     {@code "delegator"} on a grant another token delegated
     */
    static Answer grants(Collection<Grant> grants) {
        return ok(g -> {
            g.writeArrayFieldStart("permissions");
            for (Grant grant : grants) {
                g.writeStartObject();
                g.writeStringField("resource", grant.resource());
                g.writeStringField("permission", grant.permission());
                g.writeStringField("value", grant.value());
                if (grant.delegator() != null) {
                    g.writeStringField("delegator", grant.delegator());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /**
     * @param e an engine failure
     * @return 400 (invalid), 403 (forbidden, naming the permission), 404 (not found), 413 (too large), or
     *     503 with {@code Retry-After} (hub closed, in use, or storage failing)
     */
    static Answer failure(PlasmidException e) {
        switch (e.reason()) {
            case INVALID:
                return badRequest(e.getMessage());
            case FORBIDDEN:
                return forbidden(e.permission() == null ? "*" : e.permission(), e.getMessage());
            case NOT_FOUND:
                return notFound(e.getMessage());
            case TOO_LARGE:
                return tooLarge(e.getMessage());
            case CLOSED:
            case HUB_IN_USE:
            case STORAGE:
            default:
                return unavailable("the sync service is unavailable, retry later");
        }
    }

    /** @return 400 with reason {@code invalid} */
    static Answer badRequest(String message) {
        return error(400, "invalid", message);
    }

    /** @return 401 with {@code "authorized": false} and a non-Basic {@code WWW-Authenticate} challenge */
    static Answer unauthorized() {
        return answer(401, Map.of("WWW-Authenticate", CHALLENGE), g -> {
            g.writeBooleanField("authorized", false);
            g.writeStringField("error", "valid credentials are required");
            g.writeStringField("reason", "unauthorized");
        });
    }

    /** @return 403 with {@code "authorized": false} and the missing permission */
    static Answer forbidden(String permission, String message) {
        return answer(403, Map.of(), g -> {
            g.writeBooleanField("authorized", false);
            g.writeStringField("permission", permission);
            g.writeStringField("error", message);
            g.writeStringField("reason", "forbidden");
        });
    }

    /** @return 404 with reason {@code notfound} */
    static Answer notFound(String message) {
        return error(404, "notfound", message);
    }

    /**
     * @param allowed the methods the path supports
     * @return 405 with an {@code Allow} header
     */
    static Answer methodNotAllowed(List<String> allowed) {
        return answer(405, Map.of("Allow", String.join(", ", allowed)), g -> {
            g.writeStringField("error", "method not allowed here; use " + String.join(" or ", allowed));
            g.writeStringField("reason", "method");
        });
    }

    /**
     * @param message why the body was too slow
     * @return 408 with reason {@code timeout} and {@code Connection: close}: the request body did not
     *     arrive in time (the rest of it will not be read, so the connection cannot be reused)
     */
    static Answer timeout(String message) {
        return answer(408, Map.of("Connection", "close"), g -> {
            g.writeStringField("error", message);
            g.writeStringField("reason", "timeout");
        });
    }

    /** @return 413 with reason {@code toolarge} */
    static Answer tooLarge(String message) {
        return error(413, "toolarge", message);
    }

    /** @return 503 with {@code Retry-After} */
    static Answer unavailable(String message) {
        return answer(503, Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)), g -> {
            g.writeStringField("error", message);
            g.writeStringField("reason", "unavailable");
        });
    }

    /**
     * @param retryAfterSeconds whole seconds until the client may try again (at least 1)
     * @return 429 with {@code Retry-After} and reason {@code throttled}: too many failed authentications
     */
    static Answer throttled(long retryAfterSeconds) {
        return throttled(retryAfterSeconds, "too many failed authentications; retry later");
    }

    /**
     * @param retryAfterSeconds whole seconds until the client may try again (at least 1)
     * @param message what was done too often
     * @return 429 with {@code Retry-After} and reason {@code throttled}
     */
    static Answer throttled(long retryAfterSeconds, String message) {
        return answer(429, Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))), g -> {
            g.writeStringField("error", message);
            g.writeStringField("reason", "throttled");
        });
    }

    /** @return 500 for a genuine server fault; the details go to the log, not to the client */
    static Answer serverError() {
        return error(500, "internal", "internal server error");
    }

    private static Answer error(int status, String reason, String message) {
        return answer(status, Map.of(), g -> {
            g.writeStringField("error", message);
            g.writeStringField("reason", reason);
        });
    }

    private static Answer ok(Fields fields) {
        return answer(200, Map.of(), fields);
    }

    private static Answer answer(int status, Map<String, String> headers, Fields fields) {
        return answer(status, headers, 128, (g, out) -> fields.write(g));
    }

    /** @param size what the answer is expected to take (its buffer's first size) */
    private static Answer answer(int status, Map<String, String> headers, int size, RawFields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            fields.write(g, out);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: writing to memory
        }
        return new Answer(status, headers, out.toByteArray());
    }

    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** Fields that also write stored values' bytes straight to {@code out} ({@link Json#writeRaw}). */
    @FunctionalInterface
    private interface RawFields {
        void write(JsonGenerator g, OutputStream out) throws IOException;
    }
}
