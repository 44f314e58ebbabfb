package org.plasmid.core;

import java.util.Locale;

/**
 * A grant: {@code access} holds {@code permission} on {@code resource} with {@code value}. The values
 * {@code No} (any case) and the empty string deny; every other value allows and is also the
 * permission's value where one is needed (a quota in bytes, a name prefix). See PROTOCOL.md §5.
 *
 * @param access the access token holding the grant
 * @param permission a permission name or {@code *}
 * @param resource a resource name, a prefix pattern {@code abc*}, or {@code *}
 * @param value the value
 */
public record Grant(String access, String permission, String resource, String value) {
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
    }

    /** @return whether this grant allows (its value is neither {@code No} nor empty) */
    public boolean allows() {
        return allows(value);
    }

    /**
     * @param value a grant value
     * @return whether the value allows
     */
    public static boolean allows(String value) {
        return !value.isEmpty() && !value.toLowerCase(Locale.ROOT).equals("no");
    }
}
