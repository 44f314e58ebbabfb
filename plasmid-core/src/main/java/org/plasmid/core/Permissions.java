package org.plasmid.core;

import java.util.Map;

/** The permission names of PROTOCOL.md §5 and their defaults. */
public final class Permissions {
    /** Pull, clone and info on a database. */
    public static final String READ_DATABASE = "ReadDatabase";
    /** Push to a database. */
    public static final String WRITE_DATABASE = "WriteDatabase";
    /** Create a database on first access. */
    public static final String CREATE_DATABASE = "CreateDatabase";
    /** Maximum stored bytes of a database; a non-numeric allowing value means unlimited. */
    public static final String DATABASE_QUOTA = "DatabaseQuota";
    /** Change the secret of the access token named by the resource. */
    public static final String SET_SECRET = "SetSecret";
    /** Create new (non-guest) credentials; resource {@code *}. */
    public static final String CREATE_ACCESS = "CreateAccess";
    /** Create guest credentials; resource {@code *}. */
    public static final String CREATE_GUEST = "CreateGuest";
    /** The prefix of a guest's own database; resource {@code *}. */
    public static final String GUEST_DATABASE_PREFIX = "GuestDatabasePrefix";
    /** The quota of a guest's own database in bytes; resource {@code *}. */
    public static final String GUEST_DATABASE_QUOTA = "GuestDatabaseQuota";
    /** Matches every permission, or every resource. */
    public static final String ANY = "*";

    /** Value used when a permission that allows has no value of its own (e.g. quota: unlimited). */
    public static final String YES = "Yes";

    private static final Map<String, String> DEFAULTS = Map.of(
            DATABASE_QUOTA, "unlimited",
            GUEST_DATABASE_PREFIX, "guest_",
            GUEST_DATABASE_QUOTA, "1048576");

    /** Permissions whose value matters beyond allow/deny. */
    private static final java.util.Set<String> VALUED =
            java.util.Set.of(DATABASE_QUOTA, GUEST_DATABASE_PREFIX, GUEST_DATABASE_QUOTA);

    private Permissions() {
    }

    /**
     * @param permission a permission name
     * @return the value that applies when no grant matches: {@code No} for all but the ones with a
     *     default in the table of PROTOCOL.md §5
     */
    public static String defaultValue(String permission) {
        return DEFAULTS.getOrDefault(permission, "No");
    }

    /**
     * @param permission a permission name
     * @return whether the permission carries a value (a quota or a prefix) rather than only allow/deny
     */
    public static boolean isValued(String permission) {
        return VALUED.contains(permission);
    }
}
