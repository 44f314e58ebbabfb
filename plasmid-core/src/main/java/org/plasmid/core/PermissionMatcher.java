package org.plasmid.core;

import java.util.Collection;

/**
 * Decides a permission from a token's grants (PROTOCOL.md §5). Among the grants whose permission is
 * the asked one or {@code *} and whose resource is the asked one, {@code *}, or a prefix pattern the
 * asked resource starts with, the most specific decides: an exact resource beats the longest matching
 * prefix, which beats {@code *}; at equal resource specificity an exact permission beats {@code *}.
 * Without a matching grant the permission's default applies. Pure and thread-safe.
 */
public final class PermissionMatcher {
    private PermissionMatcher() {
    }

    /**
     * @param grants the grants held by one access token
     * @param permission the permission asked (not {@code *})
     * @param resource the resource asked (a name, not a pattern)
     * @return the decision
     */
    public static Decision decide(Collection<Grant> grants, String permission, String resource) {
        Grant best = null;
        long bestScore = -1;
        for (Grant g : grants) {
            long score = score(g, permission, resource);
            if (score > bestScore) {
                best = g;
                bestScore = score;
            }
        }
        if (best == null) {
            String dflt = Permissions.defaultValue(permission);
            return new Decision(Grant.allows(dflt), dflt, null);
        }
        boolean allowed = best.allows();
        String value = best.value();
        if (allowed && Permissions.isValued(permission) && best.permission().equals(Permissions.ANY)) {
            // An administrator's ("*", "*", "Yes") confers the permission but not a value such as "Yes"
            // for a name prefix: the default value applies.
            value = Permissions.defaultValue(permission);
        }
        return new Decision(allowed, value, best);
    }

    /**
     * Specificity of a grant for an ask, or -1 if it does not match. Resource specificity dominates:
     * exact = 2^20 + ..., prefix = 1024 + prefix length, {@code *} = 0; times two, plus one for an
     * exact permission.
     */
    static long score(Grant g, String permission, String resource) {
        boolean exactPermission = g.permission().equals(permission);
        if (!exactPermission && !g.permission().equals(Permissions.ANY)) {
            return -1;
        }
        String r = g.resource();
        long resourceScore;
        if (r.equals(resource)) {
            resourceScore = 1L << 20;
        } else if (r.equals(Permissions.ANY)) {
            resourceScore = 0;
        } else if (r.endsWith("*") && resource.startsWith(r.substring(0, r.length() - 1))) {
            resourceScore = 1024 + r.length();
        } else {
            return -1;
        }
        return resourceScore * 2 + (exactPermission ? 1 : 0);
    }

    /**
     * Whether the grants make an administrator: an allowing ({@code *}, {@code *}) grant.
     *
     * @param grants the grants of one token
     * @return whether it is an administrator
     */
    public static boolean isAdministrator(Collection<Grant> grants) {
        for (Grant g : grants) {
            if (g.permission().equals(Permissions.ANY) && g.resource().equals(Permissions.ANY) && g.allows()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a token holding {@code grants} may grant {@code permission} on the resource pattern
     * {@code resource} to someone else: it must hold that permission on every resource the pattern can
     * name. For an exact resource that is an allowing decision; for a pattern ({@code *} or
     * {@code abc*}) an allowing grant of the same (or {@code *}) permission whose resource covers the
     * whole pattern, and no denying grant more specific than it inside the pattern. Administrators may
     * grant anything.
     *
     * @param grants the granter's grants
     * @param permission the permission to grant (may be {@code *})
     * @param resource the resource or pattern to grant it on
     * @return whether the granter holds it
     */
    public static boolean covers(Collection<Grant> grants, String permission, String resource) {
        if (isAdministrator(grants)) {
            return true;
        }
        boolean anyPermission = permission.equals(Permissions.ANY);
        boolean pattern = resource.endsWith("*");
        if (!pattern && !anyPermission) {
            return decide(grants, permission, resource).allowed();
        }
        // Conservative for patterns: some allowing grant must cover the whole pattern, and no denying
        // grant may lie anywhere inside it (it could be more specific than the cover for some name).
        String prefix = pattern ? resource.substring(0, resource.length() - 1) : resource;
        boolean covered = false;
        for (Grant g : grants) {
            boolean permissionMatches = g.permission().equals(Permissions.ANY)
                    || (!anyPermission && g.permission().equals(permission));
            if (!permissionMatches) {
                continue;
            }
            boolean overlaps = pattern ? overlapsPattern(g.resource(), prefix) : score(g, g.permission(), resource) >= 0;
            if (!g.allows() && overlaps) {
                return false;
            }
            if (g.allows() && coversResource(g.resource(), resource, prefix, pattern)) {
                covered = true;
            }
        }
        return covered;
    }

    private static boolean coversResource(String held, String asked, String askedPrefix, boolean pattern) {
        if (held.equals(Permissions.ANY) || held.equals(asked)) {
            return true;
        }
        if (!held.endsWith("*")) {
            return false;
        }
        String heldPrefix = held.substring(0, held.length() - 1);
        return pattern ? askedPrefix.startsWith(heldPrefix) : asked.startsWith(heldPrefix);
    }

    /** Whether a held resource can apply to some name matching the pattern {@code prefix*}. */
    private static boolean overlapsPattern(String held, String prefix) {
        if (held.equals(Permissions.ANY)) {
            return true;
        }
        String heldPrefix = held.endsWith("*") ? held.substring(0, held.length() - 1) : held;
        return heldPrefix.startsWith(prefix) || (held.endsWith("*") && prefix.startsWith(heldPrefix));
    }
}
