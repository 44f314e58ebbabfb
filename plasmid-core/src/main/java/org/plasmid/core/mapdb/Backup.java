package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.plasmid.core.PlasmidException;

/**
 * An online backup of a file hub, by copying files: the newest checkpoint and the journal after it. It
 * takes no lock and needs nothing from the process serving the hub, so it works while one does (in
 * another process or this one) and never blocks it. Files are opened before they are copied, so a
 * compaction that deletes them meanwhile does not disturb the copy (a compaction between listing and
 * opening starts the copy over).
 *
 * <p>What it copies is a prefix of the hub's history: every record durable when the backup started (so
 * every push acknowledged before it), whole; a record being written at that moment is cut off when the
 * copy is opened. The copy is then opened once as a hub — which checks every checkpoint frame and journal
 * record and builds its index — and closed cleanly, so it serves at once. It is written beside the
 * target and renamed into place when complete: a target that exists is a whole backup.
 */
final class Backup {
    private static final int ATTEMPTS = 10;

    private Backup() {
    }

    static MapDbStorage.BackupResult run(Path hubDirectory, Path targetDirectory) throws IOException {
        Path hub = hubDirectory.toAbsolutePath().normalize();
        Path target = targetDirectory.toAbsolutePath().normalize();
        if (!Files.isDirectory(hub.resolve("journal"))) {
            throw new NoSuchFileException(hub.toString(), null, "no hub there (no journal directory)");
        }
        if (target.startsWith(hub) || hub.startsWith(target)) {
            throw new IOException("the backup " + target + " must not be inside the hub " + hub + " or contain it");
        }
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not an empty directory");
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new NoSuchFileException(String.valueOf(parent), null, "the backup's parent directory does not exist");
        }
        Path tmp = parent.resolve("." + target.getFileName() + ".partial-" + UUID.randomUUID());
        try {
            long bytes = copy(hub, tmp);
            long position;
            try (MapDbStorage copy = MapDbStorage.open(tmp, CheckpointPolicy.disabled())) {
                position = copy.journal.end();
            } catch (PlasmidException e) {
                throw new IOException("the copy does not open as a hub: " + e.getMessage(), e);
            }
            Files.deleteIfExists(tmp.resolve(HubLock.FILE));
            if (Files.exists(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Journal.syncDirectory(parent);
            return new MapDbStorage.BackupResult(target, position, bytes);
        } finally {
            if (Files.exists(tmp)) {
                Trees.delete(tmp);
            }
        }
    }

    private static boolean isEmptyDirectory(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return false;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    /** Copies the newest checkpoint and the journal segments from the one holding its position. */
    private static long copy(Path hub, Path tmp) throws IOException {
        for (int attempt = 1;; attempt++) {
            List<FileChannel> open = new ArrayList<>();
            try {
                List<Path> checkpoints = Checkpoint.files(hub);
                Path checkpoint = checkpoints.isEmpty() ? null : checkpoints.get(0);
                FileChannel checkpointChannel = checkpoint == null ? null : track(open, checkpoint);
                long position = checkpoint == null ? 0 : Checkpoint.position(checkpoint);
                List<Path> segments = segments(hub.resolve("journal"));
                List<FileChannel> segmentChannels = new ArrayList<>();
                int first = -1;
                for (int i = 0; i < segments.size(); i++) {
                    long next = i + 1 < segments.size() ? base(segments.get(i + 1)) : Long.MAX_VALUE;
                    if (next <= position) {
                        continue; // wholly before the checkpoint
                    }
                    if (first < 0) {
                        first = i;
                    }
                    segmentChannels.add(track(open, segments.get(i)));
                }
                if (first < 0 || base(segments.get(first)) > position) {
                    throw new NoSuchFileException("journal", null, "compacted while listed");
                }
                Files.createDirectories(tmp.resolve("journal"));
                OwnerOnly.directory(tmp);
                long bytes = 0;
                if (checkpoint != null) {
                    OwnerOnly.directory(Checkpoint.directory(tmp));
                    bytes += copy(checkpointChannel, Checkpoint.directory(tmp).resolve(checkpoint.getFileName()));
                }
                for (int i = 0; i < segmentChannels.size(); i++) {
                    Path name = segments.get(first + i).getFileName();
                    bytes += copy(segmentChannels.get(i), tmp.resolve("journal").resolve(name));
                }
                Journal.syncDirectory(tmp.resolve("journal"));
                return bytes;
            } catch (NoSuchFileException e) {
                // a compaction deleted what was listed: start over (it is rare, and the next listing is newer)
                if (attempt == ATTEMPTS) {
                    throw new IOException("the hub was compacted during each of " + ATTEMPTS + " attempts to copy it", e);
                }
                if (Files.exists(tmp)) {
                    Trees.delete(tmp);
                }
            } finally {
                for (FileChannel ch : open) {
                    ch.close();
                }
            }
        }
    }

    private static FileChannel track(List<FileChannel> open, Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        open.add(ch);
        return ch;
    }

    /** Copies what the file holds now (a journal segment may grow meanwhile: the rest is not needed). */
    private static long copy(FileChannel from, Path to) throws IOException {
        long size = from.size();
        try (FileChannel out = FileChannel.open(to, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                OwnerOnly.file())) {
            long done = 0;
            while (done < size) {
                long n = from.transferTo(done, size - done, out);
                if (n <= 0) {
                    break; // truncated meanwhile (a torn tail cut by a reopening server)
                }
                done += n;
            }
            out.force(true);
            return done;
        }
    }

    private static List<Path> segments(Path journal) throws IOException {
        List<Path> result = new ArrayList<>();
        try (Stream<Path> s = Files.list(journal)) {
            s.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).forEach(result::add);
        }
        result.sort(null);
        return result;
    }

    private static long base(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    /** Deletes a directory tree (the unfinished copy). */
    static final class Trees {
        private Trees() {
        }

        static void delete(Path root) throws IOException {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    try {
                        Files.delete(p);
                    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                        // raced with nothing we own; the next pass or the caller reports it
                    }
                }
            }
        }
    }
}
