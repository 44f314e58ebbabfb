package org.plasmid.examples.tools.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.plasmid.examples.client.SimulatedDevice;
import org.plasmid.examples.client.SyncClient;

/**
 * One device of the crash torture: a {@link SimulatedDevice} that queues batches of edits and syncs them
 * (pull, push, on {@code outofdate} catch up — from
 * the missed changes the refusal carries, else by pulling — and retry). Every batch writes keys of its own,
 * {@code d<device>-b<batch>-<i>}, and every value names its batch and the batch's size, so that the
 * {@link TortureAudit} can tell a whole push from a partial one. Acknowledged batches are recorded in
 * a map shared by all devices. One thread at a time.
 */
final class TortureDevice {
    /** The store all devices write to. */
    static final String STORE = "torture";
    private static final int MAX_BATCH = 8;
    private static final int MAX_PAD = 400;

    private final int id;
    private final SimulatedDevice device;
    private final Random random;
    private final Map<TortureAudit.Batch, TortureAudit.Ack> acks;
    private int batch;
    private int batchSize;
    private long acknowledged;
    private long landedUnanswered;

    /**
     * @param id the device number
     * @param client its connection
     * @param db the database
     * @param random its own random source (batch sizes, padding)
     * @param acks where acknowledged batches are recorded
     */
    TortureDevice(int id, SyncClient client, String db, Random random, Map<TortureAudit.Batch, TortureAudit.Ack> acks) {
        this.id = id;
        this.device = new SimulatedDevice(client, db, 500);
        this.random = random;
        this.acks = acks;
    }

    /**
     * Queues and syncs batches until {@code stop} says so or a request fails.
     *
     * @param stop checked before each sync
     * @return the failure that ended the work, or null if stopped
     */
    RuntimeException work(BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            if (device.pendingCount() == 0) {
                queueBatch();
            }
            try {
                record(device.sync());
            } catch (UncheckedIOException | SimulatedDevice.SyncException e) {
                return e;
            }
        }
        return null;
    }

    /**
     * Syncs after a restart: a batch whose answer was lost is pushed again with its push id (so one that
     * had landed is answered as a duplicate), then pulls everything new. A connection failure is retried a
     * few times, as a real client would.
     *
     * @throws RuntimeException if it still fails
     */
    void recover() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                record(device.sync());
                device.pull();
                return;
            } catch (UncheckedIOException e) {
                if (attempt == 5) {
                    throw e;
                }
                Thread.sleep(200L * attempt);
            }
        }
    }

    /** Pulls what others pushed since. */
    void pull() {
        device.pull();
    }

    private void queueBatch() {
        batch++;
        batchSize = 1 + random.nextInt(MAX_BATCH);
        for (int i = 0; i < batchSize; i++) {
            ObjectNode value = SyncClient.JSON.createObjectNode();
            value.put("device", id);
            value.put("batch", batch);
            value.put("n", batchSize);
            value.put("pad", "p".repeat(random.nextInt(MAX_PAD)));
            device.edit(STORE, "d" + id + "-b" + batch + "-" + i, value);
        }
    }

    private void record(SyncClient.Response r) {
        if (r == null || !r.ok()) {
            return; // nothing was queued, or attempts ran out (the batch stays queued)
        }
        acks.put(new TortureAudit.Batch(id, batch), new TortureAudit.Ack(r.body().get("revision").asLong(), batchSize));
        acknowledged++;
        if (r.body().path("duplicate").asBoolean(false)) {
            landedUnanswered++;
        }
    }

    /** @return whether a batch is queued whose push was not acknowledged (its answer lost, or not sent) */
    boolean inDoubt() {
        return device.pendingCount() > 0;
    }

    /** @return batches acknowledged so far */
    long acknowledged() {
        return acknowledged;
    }

    /** @return batches whose answer was lost but which had landed (acknowledged later as duplicates) */
    long landedUnanswered() {
        return landedUnanswered;
    }

    /** @return the device's data, "store\0key" → value */
    Map<String, JsonNode> data() {
        return device.data();
    }

    /** @return the revision the device has pulled up to */
    long revision() {
        return device.revision();
    }

    /** @return the device number */
    int id() {
        return id;
    }
}
