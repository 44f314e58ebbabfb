package org.plasmid.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.plasmid.examples.client.SyncClient;

/**
 * W7's writes: single-object pushes at a fixed total rate, open loop (each at its scheduled moment, whether
 * or not earlier ones were answered), each as one device of a pair chosen at random, over a bounded set of
 * connections. It remembers when each push {@code p<seq>} was sent, when it was answered, and when the
 * pair's other device first saw it, which gives the push latency and the push → other device latency.
 */
final class LivePushes {
    private final char keyPrefix;
    private final List<LiveAccounts.Pair> pairs;
    private final int total;
    private final long periodNanos;
    private final Random random;
    private final AtomicLongArray sent;
    private final AtomicLongArray answered;
    private final AtomicLongArray seenByOther;
    private final int[] sender;
    private final AtomicIntegerArray accepted;
    /** The revision each pair's database is at, as the pushes' answers tell (shared with the warm-up's). */
    private AtomicLongArray revisions;
    /** 1 while a push to the pair is in flight: a pair's pushes go one at a time, none is refused outofdate. */
    private final AtomicIntegerArray busy;
    private final LongAdder requests;
    private final ErrorCounts errors;
    private volatile int count;
    private final LongAdder answers = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    /**
     * @param keyPrefix starts the keys: {@code p} for the measured pushes, another letter for warm-up ones
     * @param pairs the pairs to push as
     * @param rate pushes per second, in all
     * @param duration how long to push
     * @param seed chooses the pairs
     * @param requests counts every request answered
     * @param errors counts the failed pushes
     */
    LivePushes(char keyPrefix, List<LiveAccounts.Pair> pairs, int rate, Duration duration, long seed,
            LongAdder requests, ErrorCounts errors) {
        this.keyPrefix = keyPrefix;
        this.pairs = pairs;
        this.total = (int) Math.min(Integer.MAX_VALUE - 8, (long) rate * duration.toMillis() / 1000);
        this.periodNanos = 1_000_000_000L / rate;
        this.random = new Random(seed);
        this.sent = new AtomicLongArray(total);
        this.answered = new AtomicLongArray(total);
        this.seenByOther = new AtomicLongArray(total);
        this.sender = new int[total];
        this.accepted = new AtomicIntegerArray(total);
        this.revisions = new AtomicLongArray(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            revisions.set(i, 1);
        }
        this.busy = new AtomicIntegerArray(pairs.size());
        this.requests = requests;
        this.errors = errors;
    }

    /** Sends the pushes at their moments; returns after the last was sent (not answered). */
    void run(LiveHttp http) {
        long start = System.nanoTime();
        for (int seq = 0; seq < total; seq++) {
            long wait = start + seq * periodNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int pair = choosePair();
            if (pair < 0) {
                skipped.increment();
                answers.increment();
                continue;
            }
            int side = random.nextInt(2);
            sender[seq] = side;
            long revision = revisions.get(pair);
            String body = "{\"last_revision\": " + revision + ", \"data\": {\"things\": {\"" + keyPrefix + seq + "\": {\"seq\": "
                    + seq + ", \"from\": " + side + "}}}}";
            int s = seq;
            sent.set(seq, System.nanoTime());
            count = seq + 1;
            LiveAccounts.Pair p = pairs.get(pair);
            http.post("d/" + p.db() + "/update/", p.authorization(), body)
                    .whenComplete((a, failure) -> answered(s, pair, a, failure));
        }
    }

    /** A pair with no push in flight, marked busy; -1 if a few tries find none. */
    private int choosePair() {
        for (int tries = 0; tries < 16; tries++) {
            int pair = random.nextInt(pairs.size());
            if (busy.compareAndSet(pair, 0, 1)) {
                return pair;
            }
        }
        return -1;
    }

    private void answered(int seq, int pair, LiveHttp.Answer a, Throwable failure) {
        long now = System.nanoTime();
        try {
            requests.increment();
            if (failure != null) {
                errors.add("push_io");
                return;
            }
            if (a.status() != 200) {
                errors.add("push_" + a.status());
                return;
            }
            JsonNode body = SyncClient.JSON.readTree(a.body());
            if (body.has("error")) {
                errors.add("push_" + body.path("reason").asText("refused"));
                if (body.has("revision")) {
                    revisions.set(pair, body.get("revision").asLong());
                }
                return;
            }
            revisions.set(pair, body.get("revision").asLong());
            accepted.set(seq, 1);
            answered.set(seq, now - sent.get(seq));
        } catch (IOException | RuntimeException e) {
            errors.add("push_unreadable");
        } finally {
            busy.set(pair, 0);
            answers.increment();
        }
    }

    /** Goes on from where another's pushes left each pair's database (the warm-up's). */
    void continueFrom(LivePushes earlier) {
        revisions = earlier.revisions;
    }

    /**
     * A device saw push {@code <prefix><seq>} in a poll's answer.
     *
     * @param prefix the key's first character
     *
     * @param side which device of the pair it is (0 or 1)
     */
    void seen(char prefix, long seq, int side, long nanos) {
        if (prefix == keyPrefix && seq >= 0 && seq < count && side != sender[(int) seq]) {
            seenByOther.compareAndSet((int) seq, 0, Math.max(1, nanos - sent.get((int) seq)));
        }
    }

    /** Waits until every push was answered and every accepted one seen by the other device, at most {@code timeout}. */
    void awaitDone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && (answers.sum() < count || unseen() > 0)) {
            ProcessMeter.sleep(20);
        }
    }

    private int unseen() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (accepted.get(i) == 1 && seenByOther.get(i) == 0) {
                n++;
            }
        }
        return n;
    }

    /** Adds the figures: pushes, their latency, and push → other device latency. */
    void report(Map<String, Double> figures, double seconds) {
        Stats push = new Stats();
        Stats other = new Stats();
        int ok = 0;
        for (int i = 0; i < count; i++) {
            if (accepted.get(i) == 1) {
                ok++;
                push.add(answered.get(i));
                if (seenByOther.get(i) != 0) {
                    other.add(seenByOther.get(i));
                }
            }
        }
        figures.put("pushes", (double) ok);
        figures.put("pushes_per_s", ok / seconds);
        figures.put("pushes_skipped_pair_busy", (double) skipped.sum());
        figures.put("pushes_seen_by_other", (double) other.count());
        figures.put("pushes_not_seen_by_other", (double) (ok - other.count()));
        figures.put("push_to_other_p50_ms", other.percentileMillis(50));
        figures.put("push_to_other_p99_ms", other.percentileMillis(99));
        figures.put("push_to_other_max_ms", other.percentileMillis(100));
        figures.put("push_p50_ms", push.percentileMillis(50));
        figures.put("push_p99_ms", push.percentileMillis(99));
        figures.put("push_max_ms", push.percentileMillis(100));
    }
}
