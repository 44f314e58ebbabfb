package org.plasmid.examples.ctl;

import java.io.PrintWriter;
import java.util.List;
import org.plasmid.core.Accounts;
import org.plasmid.core.Decision;
import org.plasmid.core.Grant;
import org.plasmid.core.Names;
import org.plasmid.core.PlasmidException;
import org.plasmid.core.PlasmidHub;

/**
 * The admin actions of plasmidctl, run against an open hub's accounts. Results go to {@code out};
 * failures are {@link PlasmidException}s for the caller to report ({@code INVALID} for an invalid name or
 * value, {@code NOT_FOUND} for an unknown account or database). Secrets are never printed.
 */
final class AdminCommands {
    private final PlasmidHub hub;
    private final Accounts accounts;
    private final PrintWriter out;

    AdminCommands(PlasmidHub hub, PrintWriter out) {
        this.hub = hub;
        this.accounts = hub.accounts();
        this.out = out;
    }

    void setSecret(String access, String secret) {
        boolean created = accounts.setSecret(access, secret);
        out.println(created ? "Created account " + access + "." : "Changed the secret of " + access + ".");
    }

    void grant(String access, String permission, String resource, String value) {
        Grant g = accounts.grant(access, permission, resource, value);
        out.println("Granted " + describe(g) + (g.allows() ? "" : " (this value denies)") + ".");
    }

    void revoke(String access, String permission, String resource) {
        if (accounts.revoke(access, permission, resource)) {
            out.println("Revoked " + access + ": " + permission + " on " + resource + ".");
        } else {
            out.println(access + " holds no grant " + permission + " on " + resource + "; nothing changed.");
        }
    }

    void check(String access, String permission, String resource) {
        Decision d = accounts.check(access, permission, resource);
        out.println(d.allowed() ? d.value() : "No");
    }

    void databaseQuota(String database, String bytes) {
        Names.database(database);
        long quota = bytes.equals("none") ? -1 : parseQuota(bytes);
        hub.setDatabaseQuota(database, quota);
        out.println(quota < 0 ? "Database " + database + " has no quota of its own now."
                : "Database " + database + " may store at most " + quota + " bytes now, whoever pushes.");
    }

    private static long parseQuota(String bytes) {
        if (bytes.isEmpty() || bytes.length() > 18 || !bytes.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new PlasmidException(PlasmidException.Reason.INVALID, "a database quota is a number of bytes "
                    + "(such as 1048576) or none, got '" + bytes + "'");
        }
        return Long.parseLong(bytes);
    }

    void list() {
        List<String> all = accounts.list();
        if (all.isEmpty()) {
            out.println("No accounts yet; create one with --set-secret ACCESS SECRET.");
            return;
        }
        for (String access : all) {
            List<Grant> grants = accounts.grants(access);
            out.println(access + (grants.isEmpty() ? " (no grants)" : ""));
            for (Grant g : grants) {
                out.println("    " + g.permission() + " on " + g.resource() + " = " + g.value()
                        + (g.isDelegated() ? " (delegated by " + g.delegator() + ")" : ""));
            }
        }
    }

    private static String describe(Grant g) {
        return g.access() + ": " + g.permission() + " on " + g.resource() + " = " + g.value();
    }
}
