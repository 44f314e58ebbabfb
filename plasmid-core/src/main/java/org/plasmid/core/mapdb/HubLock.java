package org.plasmid.core.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.plasmid.core.PlasmidException;

/**
 * Exclusive ownership of a hub directory by one process (and one open hub within it): an OS file lock
 * on {@code hub.lock}, which the OS releases when the process dies, so a crash never leaves a stale
 * lock behind. The lock file holds the owner's process id, for the error message.
 */
final class HubLock implements AutoCloseable {
    static final String FILE = "hub.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private HubLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static HubLock acquire(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ), OwnerOnly.file());
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            String owner = "";
            try {
                String pid = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!pid.isEmpty()) {
                    owner = " (process " + pid + ")";
                }
            } catch (IOException ignored) {
                // the message is only less precise
            }
            throw new PlasmidException(PlasmidException.Reason.HUB_IN_USE, "hub " + dir.toAbsolutePath()
                    + " is in use by another process" + owner + "; stop it first");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new HubLock(ch, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
