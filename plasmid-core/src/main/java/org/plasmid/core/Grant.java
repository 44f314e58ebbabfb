package org.plasmid.core;

import org.jspecify.annotations.Nullable;

/**
 * A grant: {@code access} holds {@code permission} on {@code resource} with {@code value}
 * (PROTOCOL.md §5). Boolean permissions allow with {@code Yes} (any case) and deny with anything
 * else; quotas are numbers of bytes; the guest prefix is a name prefix. Values are checked when a grant
 * is made ({@link Accounts#grant}); a grant read from an older hub may hold a value that is no longer
 * valid: a boolean one then denies, and an invalid quota or prefix is ignored.
 *
 * @param access the access token holding the grant
 * @param permission a permission name or {@code *}
 * @param resource a resource name, a prefix pattern {@code abc*}, or {@code *}
 * @param value the value
 * @param delegator the token that delegated this grant (it may revoke it, and the grant holds only
 *     while the delegator still holds the permission itself), or {@code null} for a grant made by an
 *     administrator or the host application
 */
public record Grant(String access, String permission, String resource, String value, @Nullable String delegator) {
    /** @throws PlasmidException {@link PlasmidException.Reason#INVALID} for invalid names or a null value */
    public Grant {
        Names.access(access);
        Names.permission(permission);
        Names.resource(resource);
        if (value == null) {
            throw PlasmidException.invalid("a grant needs a value");
        }
        if (value.length() > 1024) {
            throw PlasmidException.invalid("a grant's value is longer than 1024 characters");
        }
        if (delegator != null) {
            Names.access(delegator);
        }
    }

    /**
     * A grant made by an administrator or the host application (no delegator).
     *
     * @param access the access token holding the grant
     * @param permission a permission name or {@code *}
     * @param resource a resource name, a prefix pattern {@code abc*}, or {@code *}
     * @param value the value
     */
    public Grant(String access, String permission, String resource, String value) {
        this(access, permission, resource, value, null);
    }

    /**
     * @return whether this grant gives something: {@code Yes} for a boolean permission, a valid value for
     *     a quota or prefix; {@code false} for a denial
     */
    public boolean allows() {
        return Permissions.isValued(permission) ? Permissions.isUsable(permission, value) : Permissions.isYes(value);
    }

    /** @return whether another token delegated this grant */
    public boolean isDelegated() {
        return delegator != null;
    }

    /** @return whether this grant is the administrator's: an allowing ({@code *}, {@code *}) */
    public boolean isAdministrator() {
        return permission.equals(Permissions.ANY) && resource.equals(Permissions.ANY) && Permissions.isYes(value);
    }

    /** @return whether {@code resource} is a pattern ({@code *} or {@code abc*}) rather than one name */
    public boolean isPattern() {
        return resource.endsWith(Permissions.ANY);
    }
}
