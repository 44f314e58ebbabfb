package org.plasmid.examples.ctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.plasmid.core.mapdb.MapDbStorage;
import org.plasmid.examples.cli.Cli;

/**
 * The admin actions on a hub directory's files, {@code --backup} and {@code --verify}. Neither opens the
 * hub nor takes its lock, so both run while a server holds it (and when none does). A failure is an
 * {@link IOException} whose message is the one line the user reads (exit 1).
 */
final class HubFileActions {
    private final Path hub;
    private final PrintWriter out;
    private final PrintWriter err;

    /**
     * @param hub the hub directory, absolute
     * @param out where results go
     * @param err where the verdict on a damaged hub goes
     */
    HubFileActions(Path hub, PrintWriter out, PrintWriter err) {
        this.hub = hub;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the action given.
     *
     * @param action {@code --backup} or {@code --verify}
     * @return the exit code
     * @throws IOException if the action could not be carried out (its message says why, in one line)
     */
    int run(AdminAction action) throws IOException {
        return action.backup != null ? backup(action.backup.toAbsolutePath().normalize()) : verify();
    }

    /** Writes the backup and says where, how big, and up to which journal position. */
    int backup(Path target) throws IOException {
        MapDbStorage.BackupResult result;
        try {
            result = MapDbStorage.backup(hub, target);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("the backup directory " + target + " exists and is not empty: give a new or empty "
                    + "directory (each backup is a whole hub)", e);
        } catch (NoSuchFileException e) {
            throw noHubThere(e, "the backup of hub " + hub + " to " + target + " failed");
        } catch (IOException e) {
            throw new IOException("the backup of hub " + hub + " to " + target + " failed: " + e.getMessage(), e);
        }
        out.println("Backed up hub " + hub + " to " + result.target() + ": " + mebibytes(result.bytes())
                + " copied, up to journal position " + result.position() + ".");
        return Cli.OK;
    }

    /** Prints the verifier's report, then the verdict: on stdout if clean, on stderr (exit 1) if damaged. */
    int verify() throws IOException {
        MapDbStorage.VerifyReport report;
        try {
            report = MapDbStorage.verify(hub);
        } catch (NoSuchFileException e) {
            throw noHubThere(e, "cannot verify hub " + hub);
        } catch (IOException e) {
            throw new IOException("cannot verify hub " + hub + ": " + e.getMessage(), e);
        }
        report.lines().forEach(out::println);
        out.flush();
        if (report.clean()) {
            out.println("No damage found in hub " + hub + ".");
            return Cli.OK;
        }
        long damaged = report.lines().stream().filter(l -> l.startsWith("DAMAGED:")).count();
        err.println("plasmidctl: hub " + hub + " is damaged (" + damaged + " DAMAGED line" + (damaged == 1 ? "" : "s")
                + " above)");
        return Cli.FAILED;
    }

    /** The hub directory without a journal is not a hub; any other missing file is said after {@code failed}. */
    private IOException noHubThere(NoSuchFileException e, String failed) {
        if (e.getFile() != null && Path.of(e.getFile()).equals(hub)) {
            return new IOException("there is no hub at " + hub + " (no journal directory in it)", e);
        }
        return new IOException(failed + ": " + e.getMessage(), e);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
