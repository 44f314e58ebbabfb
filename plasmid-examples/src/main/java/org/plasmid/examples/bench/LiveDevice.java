package org.plasmid.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.plasmid.examples.client.SyncClient;

/**
 * One W7 device: it holds {@code GET d/{db}/update/{rev}?wait=S} and, whenever it is answered, takes what
 * came and polls again at once, as a synced app does. A refused poll is tried again after the server's
 * {@code Retry-After} (or a second). Its loop belongs to a generation: when the host starts a new one (a
 * restart), answers to the old loop's requests are ignored and the loop ends.
 */
final class LiveDevice {
    /** What the devices share: the client, the clock of generations, and where results go. */
    interface Host {
        /** @return the client devices use now */
        LiveHttp http();

        /** @return the current generation; a loop of another one stops */
        int generation();

        /** @return the {@code wait} of a poll, in seconds */
        int waitSeconds();

        /** A poll of this device went out whole. */
        void pollSent(LiveDevice device, int generation);

        /** A poll was answered 200; {@code seq} of each push {@code p<seq>} it carried was reported already. */
        void polled();

        /** A push {@code <prefix><seq>} reached this device. */
        void seen(char prefix, long seq, int side, long nanos);

        /** A poll failed: {@code poll_<status>} or {@code poll_io}. */
        void failed(String kind);

        /** Runs a retry later. */
        void later(Runnable retry, long millis);
    }

    private final Host host;
    private final LiveAccounts.Pair pair;
    private final int side;
    private final int index;
    private volatile long revision = 1;
    /** Its own connection, on the client of {@link #lineOf}. */
    private LiveHttp.Line line;
    private LiveHttp lineOf;

    /**
     * @param side which of the pair's two devices (0 or 1)
     * @param index its number among all devices
     */
    LiveDevice(Host host, LiveAccounts.Pair pair, int side, int index) {
        this.host = host;
        this.pair = pair;
        this.side = side;
        this.index = index;
    }

    /** @return its number among all devices */
    int index() {
        return index;
    }

    /** Starts its loop in a generation (the current one). */
    void start(int generation) {
        poll(generation);
    }

    private void poll(int generation) {
        if (generation != host.generation()) {
            return;
        }
        String path = "d/" + pair.db() + "/update/" + revision + "?wait=" + host.waitSeconds();
        line().get(path, pair.authorization(), () -> host.pollSent(this, generation))
                .whenComplete((a, failure) -> answered(generation, a, failure));
    }

    /** @return its line on the host's current client (a restart's new client: a new line) */
    private synchronized LiveHttp.Line line() {
        LiveHttp http = host.http();
        if (lineOf != http) {
            line = http.line();
            lineOf = http;
        }
        return line;
    }

    private void answered(int generation, LiveHttp.Answer a, Throwable failure) {
        if (generation != host.generation()) {
            return; // the devices were stopped for a restart: this loop ends
        }
        if (failure != null) {
            host.failed("poll_io");
            host.later(() -> poll(generation), 1000);
            return;
        }
        if (a.status() != 200) {
            host.failed("poll_" + a.status());
            host.later(() -> poll(generation), retryAfterMillis(a.retryAfter()));
            return;
        }
        long now = System.nanoTime();
        try {
            JsonNode body = SyncClient.JSON.readTree(a.body());
            for (JsonNode u : body.path("updates")) {
                String key = u.path(2).asText();
                if (key.length() > 1) {
                    host.seen(key.charAt(0), Long.parseLong(key.substring(1)), side, now);
                }
            }
            revision = body.path("until").asLong(revision);
        } catch (IOException | RuntimeException e) {
            host.failed("poll_unreadable");
        }
        host.polled();
        poll(generation);
    }

    /** {@code Retry-After} in seconds, capped at 10, or 1 s; a little jitter so that retries spread. */
    private long retryAfterMillis(String retryAfter) {
        long seconds = 1;
        try {
            if (retryAfter != null) {
                seconds = Math.max(1, Math.min(10, Long.parseLong(retryAfter.trim())));
            }
        } catch (NumberFormatException e) {
            // a date, or nonsense: a second
        }
        return TimeUnit.SECONDS.toMillis(seconds) + (index * 7919L) % 250;
    }
}
