package org.plasmid.examples.ctl;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import org.plasmid.core.PlasmidException;
import org.plasmid.examples.cli.Cli;
import org.plasmid.examples.cli.ManifestVersion;
import org.plasmid.examples.server.HubLocation;
import picocli.AutoComplete;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * plasmidctl's command line, as picocli parses it and prints its help: the options are declared in
 * {@link HubOptions}, {@link ServerOptions}, {@link AdminAction} and {@link GeneralOptions}, one class
 * per section of the help; a new flag is a field in one of them. Without an action it serves the hub;
 * with one it runs that action on the hub and exits ({@code --backup} and {@code --verify} on the hub
 * directory's files, in {@link HubFileActions}; the others on the open hub, in {@link AdminCommands}).
 */
@Command(name = "plasmidctl",
        customSynopsis = "java -jar plasmidctl.jar [OPTIONS] [ACTION]",
        versionProvider = ManifestVersion.class,
        sortOptions = false,
        description = {
            "",
            "Plasmid Sync: the standalone sync server for Plasmid.js, and its admin commands. Without an action "
                    + "it serves the hub (creating the directory if missing) at http://HOST:PORT/plasmid/, with the "
                    + "API that Plasmid.js uses at /plasmid/v1/. Stop it with Ctrl-C or SIGTERM: requests in flight "
                    + "finish, then the hub is closed.",
            "Options also take the form --port=8080."},
        footer = {
            "",
            "Permissions: ReadDatabase, WriteDatabase, CreateDatabase, DatabaseQuota",
            "(a number of bytes), SetSecret, CreateAccess, CreateGuest, GuestDatabasePrefix",
            "(a prefix), GuestDatabaseQuota (bytes), or * for the database permissions",
            "(* * makes an administrator). Values are exact: Yes or No (any case), numbers",
            "for quotas. Resources: a database or access name, a prefix such as guest_*,",
            "or *.",
            "",
            "Example (the quick start):",
            "  java -jar plasmidctl.jar --set-secret test secret123",
            "  java -jar plasmidctl.jar --grant-permission test \"*\" \"*\"",
            "  java -jar plasmidctl.jar"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (also after a graceful stop on SIGTERM or Ctrl-C)",
            "1:the action failed: an invalid or unknown name, the hub is in use by another process, "
                    + "there is no hub at --hub-path, the backup directory is not empty, --verify found damage, "
                    + "PostgreSQL cannot be reached or refuses the login, the port "
                    + "cannot be used, a storage error, the keystore or key cannot be read (or its password is not "
                    + "set)",
            "2:bad usage: an unknown option, a missing or malformed value (a --servlet-option with an "
                    + "unknown name or an invalid value), several actions, --demo, --checkpoint-every or "
                    + "--servlet-option with an action, --hub-path with --jdbc-url, --backup, --verify or "
                    + "--checkpoint-every with --jdbc-url, a password in the JDBC URL, both HTTPS styles at once, "
                    + "one port for two uses"})
final class CtlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = false, order = 1, heading = "%nHub:%n")
    HubOptions hub = new HubOptions();

    @ArgGroup(exclusive = false, order = 2, heading = "%nServer (without an action):%n")
    ServerOptions server = new ServerOptions();

    @ArgGroup(exclusive = false, order = 3, heading = "%nHTTPS (without an action):%n")
    TlsOptions tls = new TlsOptions();

    @ArgGroup(exclusive = false, order = 4, heading = "%nMonitoring (without an action):%n")
    MonitoringOptions monitoring = new MonitoringOptions();

    @ArgGroup(exclusive = true, order = 5,
            heading = "%nAdmin actions (at most one; stop a server that holds the hub directory first, except for "
                    + "--backup and --verify):%n")
    AdminAction action;

    @ArgGroup(validate = false, order = 6, heading = "%nGeneral:%n")
    GeneralOptions general = new GeneralOptions();

    /**
     * Serves, runs the admin action, or prints the completion script.
     *
     * @return the exit code
     * @throws PlasmidException if the action or opening the hub fails (reported in one line, exit 1)
     * @throws ParameterException for {@code --demo} with an action (exit 2)
     */
    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (general.completion) {
            out.print(AutoComplete.bash(spec.name(), spec.commandLine()));
            return Cli.OK;
        }
        HubLocation location;
        try {
            location = hub.location();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (action == null) {
            ServeSettings.Checked settings = ServeSettings.check(spec, server, tls, monitoring);
            return ServeUntilStopped.serve(location, settings.load(), settings.servlet(), server.demo);
        }
        if (server.demo) {
            throw new ParameterException(spec.commandLine(), "--demo applies to serving, not to " + action.flag());
        }
        if (server.servletOptions != null) {
            throw new ParameterException(spec.commandLine(), "--servlet-option applies to serving, not to "
                    + action.flag());
        }
        if (tls.enabled() || tls.redirectHttpPort != null || monitoring.port != null) {
            throw new ParameterException(spec.commandLine(), "the HTTPS and monitoring options apply to serving, "
                    + "not to " + action.flag());
        }
        if (hub.checkpointEvery != null) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-every applies to serving, not to "
                    + action.flag());
        }
        if (action.onHubFiles() && location instanceof HubLocation.Postgres) {
            throw new ParameterException(spec.commandLine(), action.backup != null
                    ? "--backup copies a hub directory, not PostgreSQL: back PostgreSQL up with its own tools "
                            + "(pg_dump, or pg_basebackup and WAL archiving; see the README, Scaling out on PostgreSQL)"
                    : "--verify checks a hub directory, not PostgreSQL (pg_amcheck checks a PostgreSQL database)");
        }
        if (location instanceof HubLocation.Directory d && !action.createsHub() && !Files.isDirectory(d.path())) {
            throw new PlasmidException(PlasmidException.Reason.NOT_FOUND, "there is no hub at " + d.path()
                    + " (--set-secret or serving creates one; --hub-path chooses another)");
        }
        if (action.onHubFiles()) {
            return new HubFileActions(((HubLocation.Directory) location).path(), out, spec.commandLine().getErr())
                    .run(action);
        }
        try (HubLocation.OpenHub opened = location.open()) {
            action.run(new AdminCommands(opened.hub(), out));
            return Cli.OK;
        }
    }
}
