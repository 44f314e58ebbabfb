package org.plasmid.core;

import java.nio.file.Path;

/**
 * Child process of {@link StreamingMemoryTest}: opens a hub under a small heap and counts what a full
 * pull and a clone stream, printing {@code PULL <count> <until>} and {@code CLONE <count> <revision>}.
 */
public final class StreamingReader {
    private StreamingReader() {
    }

    public static void main(String[] args) {
        try (PlasmidHub hub = PlasmidHub.open(Path.of(args[0]))) {
            long[] bytes = {0, 0};
            PullResult p = hub.pull("big", 0, 0, c -> {
                bytes[0] += c.value().size();
                return true;
            });
            System.out.println("PULL " + p.count() + " " + p.until() + " " + bytes[0]);
            long[] count = {0};
            long revision = hub.clone("big", c -> {
                count[0]++;
                bytes[1] += c.value().size();
                return true;
            });
            System.out.println("CLONE " + count[0] + " " + revision + " " + bytes[1]);
        }
    }
}
