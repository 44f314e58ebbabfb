package org.plasmid.core;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one exception type of the engine: a request that cannot be carried out, with a {@link Reason} a
 * caller (such as the servlet) maps to its own protocol. Normal outcomes such as a push that is out of
 * date are results, not exceptions.
 */
public final class PlasmidException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request failed. */
    public enum Reason {
        /** Malformed input: a bad name, revision, key, value or request shape. */
        INVALID,
        /** The caller is authenticated but lacks a permission; {@link #permission()} names it. */
        FORBIDDEN,
        /** No such database (or account) and the caller may not create it. */
        NOT_FOUND,
        /** A value or request exceeds a configured size limit. */
        TOO_LARGE,
        /** The hub directory is held by another process (or another hub in this one). */
        HUB_IN_USE,
        /** The hub has been closed. */
        CLOSED,
        /** The storage failed (I/O error, corruption); the operation had no visible effect. */
        STORAGE
    }

    private final Reason reason;
    private final @Nullable String permission;

    /**
     * @param reason why the request failed
     * @param message a human-readable explanation
     */
    public PlasmidException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    /**
     * @param reason why the request failed
     * @param message a human-readable explanation
     * @param cause the underlying failure, if any
     */
    public PlasmidException(Reason reason, String message, @Nullable Throwable cause) {
        this(reason, message, null, cause);
    }

    private PlasmidException(Reason reason, String message, @Nullable String permission, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.permission = permission;
    }

    /**
     * A {@link Reason#FORBIDDEN} failure for a missing permission.
     *
     * @param permission the permission the caller lacks
     * @param resource the resource it was asked on
     * @return the exception
     */
    public static PlasmidException forbidden(String permission, String resource) {
        return new PlasmidException(Reason.FORBIDDEN,
                "permission " + permission + " on " + resource + " is required", permission, null);
    }

    static PlasmidException invalid(String message) {
        return new PlasmidException(Reason.INVALID, message);
    }

    /** @return why the request failed */
    public Reason reason() {
        return reason;
    }

    /** @return for {@link Reason#FORBIDDEN}, the permission the caller lacks; otherwise {@code null} */
    public @Nullable String permission() {
        return permission;
    }
}
