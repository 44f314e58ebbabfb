package org.plasmid.examples.tools.soak;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.plasmid.examples.client.SimulatedDevice;
import org.plasmid.examples.client.SyncClient;

/**
 * One thread of soak load: a {@link SimulatedDevice} on one database that, operation after operation,
 * pulls, pushes (edits to a bounded set of keys, on {@code outofdate} catch up from the
 * missed changes the refusal carries, or by pulling, and retry), long-polls at the
 * head, clones, asks for the database info, or sends a request that must be refused with a 4xx. Every
 * answer is checked against what the protocol allows; the {@link SoakStats} time and count them.
 */
final class LoadWorker implements Runnable {
    /** Weights of pull, push, long-poll, clone, info and bad requests, in that order. */
    private static final int[] WEIGHTS = {25, 25, 10, 5, 15, 20};
    private static final double[] WAITS = {0.5, 1, 2};

    /**
     * Where the load goes, shared by all workers.
     *
     * @param api the API base
     * @param access an account that may read, write and create the databases (and create accounts)
     * @param secret its secret
     * @param databases the databases, each with its highest revision seen so far (where long-polls wait)
     * @param keys keys per store that pushes edit (bounded, so the state stays bounded)
     * @param restricted credentials without any grant (for 403), or null if none could be made
     * @param wrongSecrets limits requests with wrong credentials: each costs the server a slow hash, and
     *     a server that throttles failed logins would otherwise block this client's address for all
     */
    record Target(URI api, String access, String secret, List<Database> databases, int keys, String[] restricted,
            RateLimit wrongSecrets) {
    }

    /** A database under load, and the highest revision any worker has seen in it. */
    record Database(String name, AtomicLong head) {
    }

    /** At most one permit per interval, shared by all workers. */
    static final class RateLimit {
        private final long intervalNanos;
        private final AtomicLong next = new AtomicLong(System.nanoTime());

        /** @param perSecond permits per second */
        RateLimit(double perSecond) {
            this.intervalNanos = (long) (1e9 / perSecond);
        }

        /** @return whether a permit was free now (it is taken) */
        boolean tryAcquire() {
            long now = System.nanoTime();
            long due = next.get();
            return now - due >= 0 && next.compareAndSet(due, now + intervalNanos);
        }
    }

    /** A bad request, and the statuses the protocol allows for it. */
    private record Bad(String what, String method, String path, String body, Set<Integer> allowed) {
    }

    private final int id;
    private final Target target;
    private final Supplier<SoakStats> stats;
    private final Random random;
    private final Database db;
    private final SyncClient client;
    private final SyncClient bad;
    private final SimulatedDevice device;
    private final BooleanSupplier stop;
    private final AtomicLong wrongSecret = new AtomicLong();
    /** The worker's last request, as its observer saw it (the observer runs on the worker's thread). */
    private String lastRequest = "none yet";
    private long edits;

    /**
     * @param id the worker's number
     * @param target where the load goes
     * @param stats where answers are counted (asked at every answer: the soak switches after the warm-up)
     * @param random the worker's own random source
     * @param stop checked before each operation; the worker returns once it says so
     */
    LoadWorker(int id, Target target, Supplier<SoakStats> stats, Random random, BooleanSupplier stop) {
        this.id = id;
        this.target = target;
        this.stats = stats;
        this.random = random;
        this.db = target.databases().get(id % target.databases().size());
        SyncClient base = new SyncClient(target.api(), target.access(), target.secret());
        this.client = base.observed((method, path, status, nanos) -> {
            lastRequest = method + " " + path + " (" + nanos / 1_000_000 + " ms)";
            stats.get().record(SoakStats.kindOf(method, path), status, nanos);
        });
        this.bad = base.observed((method, path, status, nanos) -> {
            lastRequest = method + " " + path + " (" + nanos / 1_000_000 + " ms)";
            stats.get().record("bad", status, nanos);
        });
        this.device = new SimulatedDevice(client, db.name(), 100);
        this.stop = stop;
    }

    @Override
    public void run() {
        while (!stop.getAsBoolean()) {
            int op = pick();
            try {
                switch (op) {
                    case 0 -> device.pull();
                    case 1 -> push();
                    case 2 -> expectPull("long-poll", client.pull(db.name(), db.head().get(), 0,
                            WAITS[random.nextInt(WAITS.length)]));
                    case 3 -> expect("clone", client.cloneDatabase(db.name()), "data");
                    case 4 -> expect("info", client.info(db.name()), "revision");
                    default -> badRequest();
                }
                db.head().accumulateAndGet(device.revision(), Math::max);
            } catch (SimulatedDevice.SyncException e) {
                stats.get().unexpected("worker " + id + ": " + e.getMessage());
            } catch (UncheckedIOException e) {
                stats.get().unexpected("worker " + id + ": no answer to " + lastRequest + ": " + e.getMessage());
            }
        }
    }

    private int pick() {
        int total = 0;
        for (int w : WEIGHTS) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < WEIGHTS.length; i++) {
            r -= WEIGHTS[i];
            if (r < 0) {
                return i;
            }
        }
        return WEIGHTS.length - 1;
    }

    /** Edits one to four keys (a tenth of them deletes) and pushes, pulling and retrying when out of date. */
    private void push() {
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String store = "s" + random.nextInt(3);
            String key = "k" + random.nextInt(target.keys());
            if (random.nextInt(10) == 0) {
                device.edit(store, key, null);
            } else {
                ObjectNode value = SyncClient.JSON.createObjectNode();
                value.put("worker", id);
                value.put("edit", ++edits);
                value.put("text", "x".repeat(random.nextInt(200)));
                device.edit(store, key, value);
            }
        }
        device.push(10); // edits still queued after 10 refusals go with the next push
    }

    private void expectPull(String kind, SyncClient.Response r) {
        expect(kind, r, "updates");
    }

    private void expect(String kind, SyncClient.Response r, String field) {
        if (r.status() != 200 || !r.body().has(field)) {
            stats.get().unexpected("worker " + id + " " + kind + ": HTTP " + r.status() + " " + r.body());
        }
    }

    private void badRequest() {
        Bad b = bad();
        SyncClient as = bad;
        if (b.what().equals("wrong secret")) {
            as = bad.as(target.access(), "not-" + target.secret());
        } else if (b.what().equals("unknown account")) {
            as = bad.as("nobody-" + Long.toHexString(random.nextLong()), target.secret());
        } else if (b.what().equals("no grant")) {
            as = bad.as(target.restricted()[0], target.restricted()[1]);
        }
        SyncClient.Response r = as.send(b.method(), b.path(), b.body());
        if (!b.allowed().contains(r.status()) || !r.body().has("error")) {
            stats.get().unexpected("worker " + id + " bad request (" + b.what() + ") " + b.method() + " " + b.path()
                    + ": HTTP " + r.status() + " " + r.body() + ", expected one of " + b.allowed());
        }
    }

    private Bad bad() {
        String d = "d/" + db.name();
        while (true) {
            switch (random.nextInt(9)) {
                case 0:
                    return new Bad("malformed JSON", "POST", d + "/update/", "{\"last_revision\": 1, \"data\": {", Set.of(400));
                case 1:
                    return new Bad("wrong type", "POST", d + "/update/", "{\"last_revision\": \"one\", \"data\": {}}", Set.of(400));
                case 2:
                    return new Bad("bad revision", "GET", d + "/update/abc", null, Set.of(400));
                case 3:
                    return new Bad("bad database name", "GET", "d/.hidden", null, Set.of(400));
                case 4:
                    return new Bad("wait too long", "GET", d + "/update/1?wait=999", null, Set.of(400));
                case 5:
                    return new Bad("no such endpoint", "GET", "x/nothing", null, Set.of(404));
                case 6:
                    return new Bad("wrong method", "PUT", d + "/update/", "{}", Set.of(405));
                case 7:
                    if (target.wrongSecrets().tryAcquire()) {
                        // 429: a server that throttles failed authentication may refuse the guess outright
                        return new Bad(wrongSecret.getAndIncrement() % 2 == 0 ? "wrong secret" : "unknown account",
                                "GET", d, null, Set.of(401, 429));
                    }
                    break;
                default:
                    if (target.restricted() != null) {
                        return new Bad("no grant", "GET", d, null, Set.of(403));
                    }
            }
        }
    }
}
