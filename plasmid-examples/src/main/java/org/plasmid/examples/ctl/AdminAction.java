package org.plasmid.examples.ctl;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The admin actions, an exclusive group: at most one per run, each with its arguments right after its
 * flag. An action's arguments are values, not options, so a secret may start with {@code -} (unless it is
 * one of plasmidctl's own flags).
 */
final class AdminAction {
    /** The value {@code --grant-permission} grants when none is given. */
    static final String DEFAULT_GRANT_VALUE = "Yes";

    @Option(names = "--set-secret", arity = "2", paramLabel = "ACCESS SECRET", hideParamSyntax = true,
            description = "create account ACCESS, or change its secret (its grants stay)")
    List<String> setSecret;

    @Option(names = "--grant-permission", arity = "3..4", paramLabel = "ACCESS PERMISSION RESOURCE [VALUE]",
            hideParamSyntax = true, description = "grant PERMISSION on RESOURCE to ACCESS with VALUE (default: "
                    + DEFAULT_GRANT_VALUE + "); \"*\" \"*\" makes an administrator; VALUE No denies")
    List<String> grantPermission;

    @Option(names = "--revoke-permission", arity = "3", paramLabel = "ACCESS PERMISSION RESOURCE",
            hideParamSyntax = true, description = "remove the grant made with exactly this PERMISSION and RESOURCE")
    List<String> revokePermission;

    @Option(names = "--check-permission", arity = "3", paramLabel = "ACCESS PERMISSION RESOURCE",
            hideParamSyntax = true, description = "print the deciding value (such as Yes or a quota), or No")
    List<String> checkPermission;

    @Option(names = "--list-accounts",
            description = "list accounts and their grants (secrets are never shown: only a salted hash of each "
                    + "is stored)")
    boolean listAccounts;

    @Option(names = "--set-database-quota", arity = "2", paramLabel = "DATABASE BYTES|none", hideParamSyntax = true,
            description = "the most bytes DATABASE may store, whoever pushes (a guest's database gets one when it "
                    + "is created); none removes it")
    List<String> setDatabaseQuota;

    @Option(names = "--backup", paramLabel = "DIR", converter = Converters.Dir.class,
            description = "write a backup of the hub directory to DIR (new, or an empty directory), also while a "
                    + "server holds the hub; it holds every push acknowledged before it started, and is a hub that "
                    + "--hub-path DIR serves")
    Path backup;

    @Option(names = "--verify",
            description = "check the hub directory's files (journal, checkpoints, index) without changing them, "
                    + "also while a server holds the hub (its index is then not checked); exit 1 on damage")
    boolean verify;

    /** @return the flag of the action given, for messages */
    String flag() {
        return setSecret != null ? "--set-secret"
                : grantPermission != null ? "--grant-permission"
                : revokePermission != null ? "--revoke-permission"
                : checkPermission != null ? "--check-permission"
                : setDatabaseQuota != null ? "--set-database-quota"
                : backup != null ? "--backup"
                : verify ? "--verify"
                : "--list-accounts";
    }

    /**
     * @return whether the action works on a hub directory's files rather than on an open hub: it needs no
     *     lock, so it runs while a server holds the hub, and there is nothing to run it on in PostgreSQL
     */
    boolean onHubFiles() {
        return backup != null || verify;
    }

    /** @return whether the action may create the hub (serving creates it too); the others need it to exist */
    boolean createsHub() {
        return setSecret != null;
    }

    /**
     * Runs the action given, unless it is one {@link #onHubFiles() on the hub's files}.
     *
     * @param admin the admin commands on the open hub
     * @throws org.plasmid.core.PlasmidException as {@link AdminCommands} says
     */
    void run(AdminCommands admin) {
        if (setSecret != null) {
            admin.setSecret(setSecret.get(0), setSecret.get(1));
        } else if (grantPermission != null) {
            admin.grant(grantPermission.get(0), grantPermission.get(1), grantPermission.get(2),
                    grantPermission.size() > 3 ? grantPermission.get(3) : DEFAULT_GRANT_VALUE);
        } else if (revokePermission != null) {
            admin.revoke(revokePermission.get(0), revokePermission.get(1), revokePermission.get(2));
        } else if (checkPermission != null) {
            admin.check(checkPermission.get(0), checkPermission.get(1), checkPermission.get(2));
        } else if (setDatabaseQuota != null) {
            admin.databaseQuota(setDatabaseQuota.get(0), setDatabaseQuota.get(1));
        } else if (listAccounts) {
            admin.list();
        } else {
            throw new IllegalStateException(flag() + " works on the hub's files, not on an open hub");
        }
    }
}
