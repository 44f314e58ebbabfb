package org.plasmid.core.mapdb;

import java.nio.file.Path;
import java.util.List;
import org.plasmid.core.Grant;
import org.plasmid.core.spi.Credential;

/**
 * Child process of {@link CheckpointCrashTest}: builds a hub of overwrites with an earlier checkpoint,
 * then records another while a second thread keeps pushing, and stops (for the parent's kill -9) at the
 * named step of checkpointing and compaction, printing {@code PAUSED <step>}. Every acknowledged push
 * is printed as {@code ACK <revision>}.
 */
public final class CheckpointCrasher {
    static final long SEGMENT = 16 << 10;

    private CheckpointCrasher() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String step = args[1];
        MapDbStorage s = MapDbStorage.open(dir, CheckpointPolicy.disabled(), SEGMENT);
        s.createDatabase("db", 1 << 20);
        s.createAccount(new Credential("alice", new byte[] {1}, new byte[] {2}, 0, false),
                List.of(new Grant("alice", "ReadDatabase", "db", "Yes", null)), "alice_db", 4096);
        s.putGrant(new Grant("bob", "WriteDatabase", "db", "Yes", "alice"));
        s.putGrant(new Grant("bob", "ReadDatabase", "db", "No", null));
        for (int i = 0; i < 200; i++) {
            ack(Overwrites.pushNext(s, "db", 300));
        }
        s.checkpoint(); // an older checkpoint for the next one to replace
        for (int i = 0; i < 200; i++) {
            ack(Overwrites.pushNext(s, "db", 300));
        }
        Checkpointer.testHook = reached -> {
            if (reached.equals(step)) {
                synchronized (System.out) {
                    System.out.println("PAUSED " + reached);
                    System.out.flush();
                }
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Thread pusher = new Thread(() -> {
            while (true) {
                ack(Overwrites.pushNext(s, "db", 300));
            }
        }, "pusher");
        pusher.setDaemon(true);
        pusher.start();
        s.checkpoint();
        System.out.println("FINISHED without reaching " + step);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void ack(long revision) {
        synchronized (System.out) {
            System.out.println("ACK " + revision);
            System.out.flush();
        }
    }
}
