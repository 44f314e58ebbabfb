package org.plasmid.examples.tools.torture;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.plasmid.examples.client.SimulatedDevice;

/**
 * The torture devices of one trial, each working on a thread of its own until the server is killed.
 * A request that gets no answer after the kill is expected; any other failure is reported.
 */
final class DeviceThreads {
    private final AtomicBoolean killed = new AtomicBoolean();
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();

    private DeviceThreads() {
    }

    /**
     * @param devices the devices
     * @return the running threads, one per device
     */
    static DeviceThreads start(List<TortureDevice> devices) {
        DeviceThreads running = new DeviceThreads();
        for (TortureDevice d : devices) {
            Thread t = new Thread(() -> running.work(d), "torture-device-" + d.id());
            t.setDaemon(true);
            running.threads.add(t);
            t.start();
        }
        return running;
    }

    private void work(TortureDevice d) {
        RuntimeException failure;
        try {
            failure = d.work(killed::get);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean afterKill = killed.get();
        if (failure instanceof UncheckedIOException && afterKill) {
            return; // the server is gone: this request's answer is lost, as the torture intends
        }
        if (failure instanceof SimulatedDevice.SyncException) {
            unexpected.add("device " + d.id() + " got an error answer: " + failure.getMessage());
        } else if (failure instanceof UncheckedIOException) {
            unexpected.add("device " + d.id() + " got no answer before the kill: " + failure.getMessage());
        } else if (failure != null) {
            unexpected.add("device " + d.id() + " failed: " + failure);
        }
    }

    /** Says the server is about to be killed: from now on, requests without an answer are expected. */
    void killed() {
        killed.set(true);
    }

    /**
     * Waits for every device to stop.
     *
     * @param timeout how long to wait in all
     * @return the unexpected failures, described
     */
    List<String> join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (t.isAlive()) {
                unexpected.add(t.getName() + " did not stop within " + timeout.toSeconds() + " s of the kill");
            }
        }
        synchronized (unexpected) {
            return List.copyOf(unexpected);
        }
    }
}
