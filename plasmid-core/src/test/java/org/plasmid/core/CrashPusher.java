package org.plasmid.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child process of {@link CrashRecoveryTest}: opens a hub and pushes in a loop from two threads (two
 * databases, so concurrent pushes share journal syncs), printing {@code ACK <db> <revision> <count>} once
 * each push is acknowledged. Every push writes keys of its own ({@code r<revision>-<i>}), each value
 * naming the push's object count, so the parent can tell a whole push from a partial one.
 */
public final class CrashPusher {
    private CrashPusher() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        PlasmidHub hub = PlasmidHub.open(dir);
        System.out.println("READY");
        System.out.flush();
        List<Thread> threads = new ArrayList<>();
        for (String db : new String[] {"alpha", "beta"}) {
            Random random = new Random(seed ^ db.hashCode());
            Thread t = new Thread(() -> pushForever(hub, db, random), "pusher-" + db);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void pushForever(PlasmidHub hub, String db, Random random) {
        while (true) {
            long head = hub.info(db).revision();
            int count = 1 + random.nextInt(20);
            List<Change> changes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String value = "{\"push\": " + (head + 1) + ", \"n\": " + count + ", \"pad\": \"" + "p".repeat(random.nextInt(300)) + "\"}";
                changes.add(Change.put("s", "r" + (head + 1) + "-" + i, JsonValue.parse(value)));
            }
            PushResult r = hub.push(db, head, changes);
            if (r.status() != PushResult.Status.ACCEPTED) {
                throw new IllegalStateException("single writer per database, yet " + r);
            }
            synchronized (System.out) {
                System.out.println("ACK " + db + " " + r.revision() + " " + count);
                System.out.flush();
            }
        }
    }
}
