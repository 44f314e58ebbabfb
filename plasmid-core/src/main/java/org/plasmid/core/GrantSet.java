package org.plasmid.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grants of one access token, indexed for decisions: grants on one name are found by a hash lookup,
 * so a decision never scans them; only the pattern grants ({@code abc*}, {@code *}) are looked through,
 * and only administrators make those. Immutable and thread-safe.
 */
final class GrantSet {
    static final GrantSet EMPTY = new GrantSet(List.of());

    private final List<Grant> all;
    private final Map<String, Grant> byKey = new HashMap<>();
    private final List<Grant> patterns = new ArrayList<>();
    private final boolean administrator;

    GrantSet(Collection<Grant> grants) {
        List<Grant> sorted = new ArrayList<>(grants);
        sorted.sort(Comparator.comparing(Grant::permission).thenComparing(Grant::resource));
        this.all = List.copyOf(sorted);
        boolean admin = false;
        for (Grant g : sorted) {
            byKey.put(key(g.permission(), g.resource()), g);
            if (g.isPattern()) {
                patterns.add(g);
            }
            admin |= g.isAdministrator();
        }
        this.administrator = admin;
    }

    /** @return every grant, sorted by permission then resource */
    List<Grant> all() {
        return all;
    }

    int size() {
        return all.size();
    }

    /** @return whether the token holds the administrator's grant ({@code *}, {@code *}, {@code Yes}) */
    boolean isAdministrator() {
        return administrator;
    }

    /** @return the grant made with exactly this permission and resource, or null */
    Grant get(String permission, String resource) {
        return byKey.get(key(permission, resource));
    }

    /**
     * The grants that could decide {@code permission} on the name {@code resource}: those on the name
     * itself (with the permission or {@code *}) and the pattern grants; the caller filters and ranks them.
     */
    List<Grant> candidates(String permission, String resource) {
        List<Grant> result = new ArrayList<>(patterns.size() + 2);
        if (resource.endsWith(Permissions.ANY)) {
            result.addAll(patterns); // an ask on * (service permissions): the pattern grants hold them all
            return result;
        }
        Grant exact = byKey.get(key(permission, resource));
        if (exact != null) {
            result.add(exact);
        }
        Grant any = byKey.get(key(Permissions.ANY, resource));
        if (any != null && !permission.equals(Permissions.ANY)) {
            result.add(any);
        }
        result.addAll(patterns);
        return result;
    }

    private static String key(String permission, String resource) {
        return permission + '\u0000' + resource;
    }
}
