package org.plasmid.examples.ctl;

import java.util.Arrays;
import java.util.Optional;

/** What one run of plasmidctl does: serve (no action flag), show help, or one admin command. */
enum Action {
    SERVE(null, 0, 0, ""),
    HELP("--help", 0, 0, ""),
    SET_SECRET("--set-secret", 2, 2, "ACCESS SECRET"),
    GRANT_PERMISSION("--grant-permission", 3, 4, "ACCESS PERMISSION RESOURCE [VALUE]"),
    REVOKE_PERMISSION("--revoke-permission", 3, 3, "ACCESS PERMISSION RESOURCE"),
    CHECK_PERMISSION("--check-permission", 3, 3, "ACCESS PERMISSION RESOURCE"),
    LIST_ACCOUNTS("--list-accounts", 0, 0, ""),
    SET_DATABASE_QUOTA("--set-database-quota", 2, 2, "DATABASE BYTES|none");

    private final String flag;
    private final int minArgs;
    private final int maxArgs;
    private final String argNames;

    Action(String flag, int minArgs, int maxArgs, String argNames) {
        this.flag = flag;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.argNames = argNames;
    }

    /** @return the flag that selects this action ({@code null} for serving, which has none) */
    String flag() {
        return flag;
    }

    int minArgs() {
        return minArgs;
    }

    int maxArgs() {
        return maxArgs;
    }

    /** @return the flag with its argument names, as shown in messages */
    String synopsis() {
        return argNames.isEmpty() ? flag : flag + " " + argNames;
    }

    /** @return whether this action needs a hub that exists already (only serving and --set-secret create one) */
    boolean needsExistingHub() {
        return this != SERVE && this != SET_SECRET;
    }

    /** @return the admin action selected by {@code flag}, if it is one (help is not an admin action) */
    static Optional<Action> byFlag(String flag) {
        return Arrays.stream(values())
                .filter(a -> a != HELP && a.flag != null && a.flag.equals(flag))
                .findFirst();
    }
}
