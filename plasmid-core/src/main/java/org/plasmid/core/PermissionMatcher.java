package org.plasmid.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Decides a permission from one token's grants (PROTOCOL.md §5). Among the grants that can decide the
 * asked permission (the same permission, or {@code *} within its namespaces: see
 * {@link Permissions#covers}) and whose resource is the asked one, {@code *}, or a prefix pattern the
 * asked resource starts with, the most specific decides: an exact resource beats the longest matching
 * prefix, which beats {@code *}; at equal resource specificity an exact permission beats {@code *}.
 * Quota and prefix grants with a value that is not valid are ignored. Without a deciding grant the
 * permission's default applies. Pure and thread-safe.
 */
final class PermissionMatcher {
    private PermissionMatcher() {
    }

    /**
     * @param grants the grants held by one access token
     * @param permission the permission asked (not {@code *})
     * @param resource the resource asked (a name, or {@code *} for the service permissions)
     * @param inForce whether a grant is in force (a delegated grant is in force only while its delegator
     *     still holds what it passed on); the most specific grant in force decides
     * @return the decision
     */
    static Decision decide(GrantSet grants, String permission, String resource, Predicate<Grant> inForce) {
        for (Grant g : ranked(grants, permission, resource)) {
            if (inForce.test(g)) {
                return decision(g, permission);
            }
        }
        String dflt = Permissions.defaultValue(permission);
        return new Decision(!dflt.equals(Permissions.NO), dflt, null);
    }

    /** Decides with every grant in force (no delegation to verify). */
    static Decision decide(GrantSet grants, String permission, String resource) {
        return decide(grants, permission, resource, g -> true);
    }

    /**
     * @return whether any grant of the token matches the ask, whatever it decides: a delegation to a token
     *     with such a grant would override it, so it is refused
     */
    static boolean anyMatches(GrantSet grants, String permission, String resource) {
        return !ranked(grants, permission, resource).isEmpty();
    }

    private static Decision decision(Grant g, String permission) {
        if (Permissions.isValued(permission)) {
            return new Decision(true, g.value(), g);
        }
        boolean yes = Permissions.isYes(g.value());
        return new Decision(yes, yes ? Permissions.YES : Permissions.NO, g);
    }

    /** The grants able to decide the ask, most specific first. */
    private static List<Grant> ranked(GrantSet grants, String permission, String resource) {
        List<Grant> matching = new ArrayList<>(2);
        List<Long> scores = new ArrayList<>(2);
        for (Grant g : grants.candidates(permission, resource)) {
            long score = score(g, permission, resource);
            if (score < 0 || !Permissions.isUsable(permission, g.value())) {
                continue;
            }
            int i = 0;
            while (i < scores.size() && scores.get(i) >= score) {
                i++;
            }
            matching.add(i, g);
            scores.add(i, score);
        }
        return matching;
    }

    /**
     * Specificity of a grant for an ask, or -1 if it does not match. Resource specificity dominates:
     * exact = 2^20, prefix = 1024 + prefix length, {@code *} = 0; times two, plus one for an exact
     * permission.
     */
    static long score(Grant g, String permission, String resource) {
        if (!Permissions.covers(g.permission(), g.resource(), permission)) {
            return -1;
        }
        boolean exactPermission = g.permission().equals(permission);
        String r = g.resource();
        long resourceScore;
        if (r.equals(resource)) {
            resourceScore = 1L << 20;
        } else if (r.equals(Permissions.ANY)) {
            resourceScore = 0;
        } else if (r.endsWith(Permissions.ANY) && resource.startsWith(r.substring(0, r.length() - 1))) {
            resourceScore = 1024 + r.length();
        } else {
            return -1;
        }
        return resourceScore * 2 + (exactPermission ? 1 : 0);
    }
}
