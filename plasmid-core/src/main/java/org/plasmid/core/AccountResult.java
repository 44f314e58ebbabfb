package org.plasmid.core;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of an account operation requested by a client: creating credentials, granting or
 * revoking. A refusal is a result with a {@link Refusal} code (PROTOCOL.md §5), not an exception.
 *
 * @param refusal {@code null} on success, else why it was refused
 * @param message on refusal, a human-readable explanation
 * @param access the access token concerned
 * @param secret for created credentials, the secret (the only time it is ever shown); else null
 * @param dbname for a created guest, its own database; else null
 * @param grant for a grant or revocation, the grant concerned; else null
 */
public record AccountResult(@Nullable Refusal refusal, @Nullable String message, @Nullable String access,
        @Nullable String secret, @Nullable String dbname, @Nullable Grant grant) {

    /** Why an account operation was refused, with the protocol's reason codes. */
    public enum Refusal {
        /** The access token exists and the caller may not change it. */
        EXISTS("exists"),
        /** The caller lacks the permission. */
        FORBIDDEN("forbidden"),
        /** The request is malformed (a bad token, secret, type or value). */
        INVALID("invalid"),
        /** No such grant to revoke. */
        NOT_FOUND("notfound");

        private final String code;

        Refusal(String code) {
            this.code = code;
        }

        /** @return the protocol's {@code reason} string */
        public String code() {
            return code;
        }
    }

    static AccountResult created(String access, String secret, String dbname) {
        return new AccountResult(null, null, access, secret, dbname, null);
    }

    static AccountResult granted(Grant grant) {
        return new AccountResult(null, null, grant.access(), null, null, grant);
    }

    static AccountResult refused(Refusal refusal, String message) {
        return new AccountResult(refusal, message, null, null, null, null);
    }

    /** @return whether the operation was carried out */
    public boolean succeeded() {
        return refusal == null;
    }

    @Override
    public String toString() {
        // never show the secret
        return succeeded() ? "AccountResult[ok, access=" + access + ", dbname=" + dbname + ", grant=" + grant + "]"
                : "AccountResult[" + refusal.code() + ": " + message + "]";
    }
}
