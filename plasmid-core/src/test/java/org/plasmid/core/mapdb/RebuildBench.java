package org.plasmid.core.mapdb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.plasmid.core.spi.AppendResult;
import org.plasmid.core.spi.Write;

/**
 * How long the index takes to rebuild from a checkpoint after an unclean stop (not a test: prints
 * figures). Fills a hub with distinct keys once, records a checkpoint, then opens it as after a kill -9
 * a few times:
 *
 * <pre>java -Xmx256m -cp plasmid-core/target/classes:plasmid-core/target/test-classes:$(cat cp.txt) \
 *     org.plasmid.core.mapdb.RebuildBench /tmp/rebuild-hub 1000000 1000 1000 3 [keys after the checkpoint]</pre>
 */
public final class RebuildBench {
    private RebuildBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int keys = Integer.parseInt(args[1]);
        int valueBytes = Integer.parseInt(args[2]);
        int perPush = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        int tail = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        if (!Files.exists(dir)) {
            long start = System.nanoTime();
            try (MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled())) {
                s.createDatabase("db", -1);
                byte[] pad = new byte[valueBytes];
                Arrays.fill(pad, (byte) 'p');
                long head = 1;
                for (int done = 0; done < keys + tail; done += perPush) {
                    if (done == keys) {
                        s.checkpoint();
                    }
                    List<Write> writes = new ArrayList<>();
                    for (int i = 0; i < perPush && done + i < keys + tail; i++) {
                        writes.add(new Write("s", "k" + (done + i), pad));
                    }
                    AppendResult r = s.append("db", head, writes, "p" + done, -1);
                    head = r.revision();
                }
                if (tail == 0) {
                    s.checkpoint();
                }
            }
            System.out.printf("filled %d keys of %d bytes in %.1f s%n", keys, valueBytes,
                    (System.nanoTime() - start) / 1e9);
        }
        for (int i = 0; i < rounds; i++) {
            Files.deleteIfExists(dir.resolve("index.clean"));
            long start = System.nanoTime();
            try (MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled())) {
                long opened = System.nanoTime();
                System.out.printf("rebuild %d: %.2f s (head %d)%n", i, (opened - start) / 1e9,
                        s.revision("db").orElseThrow());
            }
        }
    }
}
