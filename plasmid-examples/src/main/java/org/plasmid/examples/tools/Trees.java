package org.plasmid.examples.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing a temporary directory tree (the tools' and the benchmark's temporary hubs). */
public final class Trees {
    private Trees() {
    }

    /**
     * Deletes a directory and everything in it, as far as it can (a temporary directory left behind is
     * not worth failing a run for).
     *
     * @param dir the directory
     * @return whether it is gone
     */
    public static boolean delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            return false;
        }
        return !Files.exists(dir);
    }
}
