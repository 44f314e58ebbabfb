package org.plasmid.examples;

import java.io.PrintStream;
import java.util.List;
import org.plasmid.core.Accounts;
import org.plasmid.core.Decision;
import org.plasmid.core.Grant;
import org.plasmid.core.Names;
import org.plasmid.core.PlasmidException;

/**
 * The admin actions of plasmidctl, run against an open hub's accounts. Results go to {@code out};
 * failures are {@link PlasmidException}s for the caller to report. Secrets are never printed.
 */
final class AdminCommands {
    private final Accounts accounts;
    private final PrintStream out;

    AdminCommands(Accounts accounts, PrintStream out) {
        this.accounts = accounts;
        this.out = out;
    }

    /**
     * Runs one admin action.
     *
     * @param action an admin action (not serve or help)
     * @param args its arguments, as parsed by {@link CommandLine}
     * @throws PlasmidException {@code INVALID} for invalid names, {@code NOT_FOUND} for an unknown account
     */
    void run(Action action, List<String> args) {
        switch (action) {
            case SET_SECRET -> setSecret(args.get(0), args.get(1));
            case GRANT_PERMISSION -> grant(args.get(0), args.get(1), args.get(2), args.get(3));
            case REVOKE_PERMISSION -> revoke(args.get(0), args.get(1), args.get(2));
            case CHECK_PERMISSION -> check(args.get(0), args.get(1), args.get(2));
            case LIST_ACCOUNTS -> list();
            default -> throw new IllegalArgumentException("not an admin action: " + action);
        }
    }

    private void setSecret(String access, String secret) {
        boolean created = accounts.setSecret(access, secret);
        out.println(created ? "Created account " + access + "." : "Changed the secret of " + access + ".");
    }

    private void grant(String access, String permission, String resource, String value) {
        Grant g = accounts.grant(access, permission, resource, value);
        out.println("Granted " + describe(g) + (g.allows() ? "" : " (this value denies)") + ".");
    }

    private void revoke(String access, String permission, String resource) {
        requireAccount(access);
        if (accounts.revoke(access, permission, resource)) {
            out.println("Revoked " + access + ": " + permission + " on " + resource + ".");
        } else {
            out.println(access + " holds no grant " + permission + " on " + resource + "; nothing changed.");
        }
    }

    private void check(String access, String permission, String resource) {
        requireAccount(access);
        Names.permission(permission);
        Names.resource(resource);
        Decision d = accounts.check(access, permission, resource);
        out.println(d.allowed() ? d.value() : "No");
    }

    private void list() {
        List<String> all = accounts.list();
        if (all.isEmpty()) {
            out.println("No accounts yet; create one with --set-secret ACCESS SECRET.");
            return;
        }
        for (String access : all) {
            List<Grant> grants = accounts.grants(access);
            out.println(access + (grants.isEmpty() ? " (no grants)" : ""));
            for (Grant g : grants) {
                out.println("    " + g.permission() + " on " + g.resource() + " = " + g.value());
            }
        }
    }

    /** A typo in a token should not pass for "No": an unknown account is an error. */
    private void requireAccount(String access) {
        Names.access(access);
        if (!accounts.exists(access)) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "no account " + access);
        }
    }

    private static String describe(Grant g) {
        return g.access() + ": " + g.permission() + " on " + g.resource() + " = " + g.value();
    }
}
