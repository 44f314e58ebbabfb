package org.plasmid.core;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The permission names of PROTOCOL.md §5, their namespaces, their values and their defaults.
 *
 * <p>Database permissions ({@link #READ_DATABASE}, {@link #WRITE_DATABASE}, {@link #CREATE_DATABASE},
 * {@link #DATABASE_QUOTA}) take database names as resources; the account permission
 * {@link #SET_SECRET} takes access tokens; service permissions ({@link #CREATE_ACCESS},
 * {@link #CREATE_GUEST}, {@link #GUEST_DATABASE_PREFIX}, {@link #GUEST_DATABASE_QUOTA}) take {@code *}.
 * A grant of permission {@code *} covers the boolean database permissions only, except the grant
 * ({@code *}, {@code *}), which covers every boolean permission. Quotas and prefixes come only from
 * explicit grants of their own permission.
 */
public final class Permissions {
    /** Pull, clone and info on a database. */
    public static final String READ_DATABASE = "ReadDatabase";
    /** Push to a database. */
    public static final String WRITE_DATABASE = "WriteDatabase";
    /** Create a database on first access. */
    public static final String CREATE_DATABASE = "CreateDatabase";
    /** Maximum stored bytes of a database for this token's pushes: a non-negative integer. */
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

    /** The value that allows a boolean permission. */
    public static final String YES = "Yes";
    /** The value that denies a boolean permission. */
    public static final String NO = "No";
    /** The value a quota decision shows when no quota grant applies. */
    public static final String UNLIMITED = "unlimited";

    /** Longest guest database prefix, so that a generated token still fits in a database name. */
    static final int MAX_PREFIX_LENGTH = 64;

    /** Where a permission's resources come from. */
    enum Kind {
        /** Database names, prefix patterns or {@code *}. */
        DATABASE,
        /** Access tokens, prefix patterns or {@code *}. */
        ACCOUNT,
        /** Only {@code *}: the permission is about the service, not a resource. */
        SERVICE
    }

    private static final Map<String, Kind> KINDS = Map.of(
            READ_DATABASE, Kind.DATABASE, WRITE_DATABASE, Kind.DATABASE, CREATE_DATABASE, Kind.DATABASE,
            DATABASE_QUOTA, Kind.DATABASE, SET_SECRET, Kind.ACCOUNT, CREATE_ACCESS, Kind.SERVICE,
            CREATE_GUEST, Kind.SERVICE, GUEST_DATABASE_PREFIX, Kind.SERVICE, GUEST_DATABASE_QUOTA, Kind.SERVICE);

    private static final Map<String, String> DEFAULTS = Map.of(
            DATABASE_QUOTA, UNLIMITED,
            GUEST_DATABASE_PREFIX, "guest_",
            GUEST_DATABASE_QUOTA, "1048576");

    private static final Set<String> QUOTAS = Set.of(DATABASE_QUOTA, GUEST_DATABASE_QUOTA);
    private static final Set<String> DELEGABLE = Set.of(READ_DATABASE, WRITE_DATABASE, CREATE_DATABASE);

    private Permissions() {
    }

    /**
     * @param permission a permission name
     * @return the value that applies when no grant matches: {@code No} for the boolean permissions, the
     *     table's default for the valued ones ({@value #UNLIMITED} for {@code DatabaseQuota})
     */
    public static String defaultValue(String permission) {
        return DEFAULTS.getOrDefault(permission, NO);
    }

    /**
     * @param permission a permission name
     * @return whether the permission carries a value (a quota or a prefix) rather than {@code Yes}/{@code No}
     */
    public static boolean isValued(String permission) {
        return QUOTAS.contains(permission) || permission.equals(GUEST_DATABASE_PREFIX);
    }

    /**
     * @param permission a permission name
     * @return whether a non-administrator may pass it on to another token (PROTOCOL.md §5, POST a/{access})
     */
    public static boolean isDelegable(String permission) {
        return DELEGABLE.contains(permission);
    }

    /** @return whether {@code permission} is {@code *} or one of the named permissions */
    static boolean isKnown(String permission) {
        return permission.equals(ANY) || KINDS.containsKey(permission);
    }

    /** @return the permission's namespace, or null for {@code *} and unknown names */
    static Kind kind(String permission) {
        return KINDS.get(permission);
    }

    /**
     * Whether a grant of {@code granted} can decide an ask of {@code asked} (the namespaces): the same
     * permission always; {@code *} for a boolean database permission, or, on resource {@code *} (the
     * administrator's grant), for every boolean permission; never for a quota or a prefix.
     */
    static boolean covers(String granted, String grantedResource, String asked) {
        if (granted.equals(asked)) {
            return true;
        }
        if (!granted.equals(ANY) || isValued(asked)) {
            return false;
        }
        return kind(asked) == Kind.DATABASE || grantedResource.equals(ANY);
    }

    /** @return whether a stored boolean value allows: {@code Yes} in any case, and nothing else */
    static boolean isYes(String value) {
        return value.equalsIgnoreCase(YES);
    }

    /**
     * Checks a value for a grant as it is being made, and returns its canonical form.
     *
     * @param permission a known permission or {@code *}
     * @param value the value asked for
     * @return {@code Yes} or {@code No} for the boolean permissions, the number for quotas, the prefix
     * @throws PlasmidException {@link PlasmidException.Reason#INVALID} if the value is not exactly valid
     */
    static String canonicalValue(String permission, @Nullable String value) {
        if (value == null) {
            throw PlasmidException.invalid("a grant needs a value");
        }
        if (QUOTAS.contains(permission)) {
            if (quota(value) < 0) {
                throw PlasmidException.invalid(permission + " must be a non-negative integer of bytes, got "
                        + Names.quote(value));
            }
            return Long.toString(quota(value));
        }
        if (permission.equals(GUEST_DATABASE_PREFIX)) {
            if (!isPrefix(value)) {
                throw PlasmidException.invalid(permission + " must be 1-" + MAX_PREFIX_LENGTH + " characters of "
                        + "A-Z a-z 0-9 _ - . not starting with ., got " + Names.quote(value));
            }
            return value;
        }
        if (value.equalsIgnoreCase(YES)) {
            return YES;
        }
        if (value.equalsIgnoreCase(NO)) {
            return NO;
        }
        throw PlasmidException.invalid(permission + " takes Yes or No, got " + Names.quote(value));
    }

    /**
     * Whether a stored value may decide: every value of a boolean permission (anything but {@code Yes}
     * denies), and only well-formed values of the valued ones (others are dropped, as if not granted).
     */
    static boolean isUsable(String permission, String value) {
        if (QUOTAS.contains(permission)) {
            return quota(value) >= 0;
        }
        if (permission.equals(GUEST_DATABASE_PREFIX)) {
            return isPrefix(value);
        }
        return true;
    }

    /** @return a quota value's bytes, or -1 unless it is a plain non-negative decimal integer */
    static long quota(String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(value);
    }

    private static boolean isPrefix(String value) {
        return value.length() <= MAX_PREFIX_LENGTH && Names.isDatabase(value);
    }
}
