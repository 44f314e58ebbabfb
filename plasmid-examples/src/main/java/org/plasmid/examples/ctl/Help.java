package org.plasmid.examples.ctl;

/** The text of {@code plasmidctl --help}. */
final class Help {
    static final String TEXT = """
            Usage: java -jar plasmidctl.jar [OPTIONS] [ACTION]

            Plasmid Sync: the standalone sync server for Plasmid.js, and its admin commands.
            Without an action it serves the hub (creating the directory if missing) at
            http://HOST:PORT/plasmid/, with the API that Plasmid.js uses at /plasmid/v1/.
            Stop it with Ctrl-C or SIGTERM: requests in flight finish, then the hub is closed.

            Options:
              -p, --hub-path DIR   hub directory (default: hub, relative to the current directory)
                  --host ADDR      address to listen on (default: 127.0.0.1, this machine only;
                                   --host 0.0.0.0 listens on all interfaces)
                  --port N         port to listen on (default: 8880; 0 picks a free port, logged)
                  --demo           also serve the todo demo web app at http://HOST:PORT/ (for
                                   demos only: the page may create guest accounts)
              -h, --help           show this help and exit

            Actions (at most one; each works on the hub of --hub-path, which a running
            server holds: stop the server first):
              --set-secret ACCESS SECRET
                    create account ACCESS, or change its secret (its grants stay)
              --grant-permission ACCESS PERMISSION RESOURCE [VALUE]
                    grant PERMISSION on RESOURCE to ACCESS with VALUE (default: Yes);
                    "*" "*" makes an administrator; VALUE No denies
              --revoke-permission ACCESS PERMISSION RESOURCE
                    remove the grant made with exactly this PERMISSION and RESOURCE
              --check-permission ACCESS PERMISSION RESOURCE
                    print the deciding value (such as Yes or a quota), or No
              --list-accounts
                    list accounts and their grants (secrets are never shown: only a
                    salted hash of each is stored)
              --set-database-quota DATABASE BYTES|none
                    the most bytes DATABASE may store, whoever pushes (a guest's
                    database gets one when it is created); none removes it

            Permissions: ReadDatabase, WriteDatabase, CreateDatabase, DatabaseQuota (a number
            of bytes), SetSecret, CreateAccess, CreateGuest, GuestDatabasePrefix (a prefix),
            GuestDatabaseQuota (bytes), or * for the database permissions (* * makes an
            administrator). Values are exact: Yes or No (any case), numbers for quotas.
            Resources: a database or access name, a prefix such as guest_*, or *.

            Exit codes:
              0  success
              1  the action failed: invalid or unknown name, the hub is in use by another
                 process, the hub does not exist, the port cannot be used, or a storage error
              2  bad usage: unknown option, missing argument, bad port, several actions

            Example (the quick start):
              java -jar plasmidctl.jar --set-secret test secret123
              java -jar plasmidctl.jar --grant-permission test "*" "*"
              java -jar plasmidctl.jar
            """;

    private Help() {
    }
}
