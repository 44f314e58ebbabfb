package org.plasmid.core.jdbc;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.plasmid.core.spi.StorageEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the engine what other nodes changed, from one daemon thread: notifications as they arrive (when
 * a {@link NotificationSource} is given, reconnecting after a drop), and, every re-check interval in any
 * case, the accounts' version and the heads of the databases that have long-polls waiting. A lost
 * notification therefore delays a wake-up or a revocation by at most one interval.
 */
final class Watcher {
    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);

    private final Transactions tx;
    private final String channel;
    private final long intervalNanos;
    private final @Nullable NotificationSource source;
    private final StorageEvents events;
    private final Thread thread;
    private final Map<String, Long> heads = new HashMap<>();
    private long accountsVersion = -1;
    private volatile boolean closed;
    private volatile NotificationSource.@Nullable Listening listening;
    private boolean listenFailing;
    private boolean recheckFailing;

    Watcher(Transactions tx, String channel, Duration interval, @Nullable NotificationSource source,
            StorageEvents events) {
        this.tx = tx;
        this.channel = channel;
        this.intervalNanos = interval.toNanos();
        this.source = source;
        this.events = events;
        this.thread = new Thread(this::run, "plasmid-watch-" + channel);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** @return whether a listening connection is open now */
    boolean listening() {
        return listening != null;
    }

    void close() {
        closed = true;
        NotificationSource.Listening l = listening;
        if (l != null) {
            l.close(); // breaks a wait in progress
        }
        thread.interrupt();
        try {
            // A thread still connecting to listen cannot be interrupted: it ends (a daemon, closing what it
            // opened) as soon as the connection attempt returns; the caller need not wait for that.
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextCheck = System.nanoTime();
        long retryListenAt = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            if (source != null && listening == null && now - retryListenAt >= 0) {
                if (!listen() && !closed) {
                    retryListenAt = now + intervalNanos;
                }
            }
            long waitNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), nextCheck - now);
            NotificationSource.Listening l = listening;
            if (l != null) {
                try {
                    for (String payload : l.await(TimeUnit.NANOSECONDS.toMillis(waitNanos) + 1)) {
                        handle(payload);
                    }
                } catch (SQLException | RuntimeException e) {
                    dropListening(e);
                    nextCheck = System.nanoTime(); // catch up at once on what was missed meanwhile
                }
            } else if (!sleep(waitNanos)) {
                return;
            }
            if (System.nanoTime() - nextCheck >= 0 && !closed) {
                recheck();
                nextCheck = System.nanoTime() + intervalNanos;
            }
        }
        NotificationSource.Listening l = listening;
        if (l != null) {
            l.close();
        }
    }

    private boolean listen() {
        try {
            listening = source.listen(channel);
            if (listenFailing) {
                LOG.info("listening on {} again", channel);
            }
            listenFailing = false;
            return true;
        } catch (SQLException | RuntimeException e) {
            if (!listenFailing) {
                LOG.warn("cannot listen on {} ({}); other nodes' changes arrive at each re-check until it works",
                        channel, e.getMessage());
            }
            listenFailing = true;
            return false;
        }
    }

    private void dropListening(Exception e) {
        NotificationSource.Listening l = listening;
        listening = null;
        if (l != null) {
            l.close();
        }
        if (!closed) {
            LOG.warn("the listening connection on {} failed ({}); listening again", channel, e.getMessage());
            listenFailing = true;
        }
    }

    /** {@code a}: accounts changed; {@code d <revision> <database>}: a push landed. */
    private void handle(String payload) {
        if (payload.equals("a")) {
            events.accountsChanged();
            return;
        }
        if (payload.startsWith("d ")) {
            int space = payload.indexOf(' ', 2);
            if (space > 2) {
                try {
                    long revision = Long.parseLong(payload.substring(2, space));
                    published(payload.substring(space + 1), revision);
                } catch (NumberFormatException e) {
                    LOG.debug("ignoring a malformed notification on {}", channel);
                }
            }
        }
    }

    private void published(String database, long revision) {
        Long seen = heads.get(database);
        if (seen == null || revision > seen) {
            heads.put(database, revision);
        }
        events.databaseChanged(database, revision);
    }

    /** Re-reads what notifications may have missed. */
    private void recheck() {
        try {
            Collection<String> watched = events.watchedDatabases();
            List<Object[]> found = new ArrayList<>();
            long version = tx.autoCommit("re-checking for other nodes' changes", c -> {
                if (!watched.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT name, head FROM plasmid_databases WHERE name = ANY (?)")) {
                        Array names = c.createArrayOf("text", watched.toArray());
                        ps.setArray(1, names);
                        try (ResultSet r = ps.executeQuery()) {
                            while (r.next()) {
                                found.add(new Object[] {r.getString(1), r.getLong(2)});
                            }
                        }
                    }
                }
                return JdbcAccounts.version(c);
            });
            if (version != accountsVersion) {
                accountsVersion = version;
                events.accountsChanged();
            }
            heads.keySet().retainAll(watched);
            for (Object[] f : found) {
                String database = (String) f[0];
                long head = (Long) f[1];
                Long seen = heads.get(database);
                if (seen == null || head > seen) {
                    published(database, head);
                }
            }
            if (recheckFailing) {
                LOG.info("re-checking on {} works again", channel);
            }
            recheckFailing = false;
        } catch (RuntimeException e) {
            if (!recheckFailing) {
                LOG.warn("re-checking for other nodes' changes on {} failed ({}); trying again", channel,
                        e.getMessage());
            }
            recheckFailing = true;
        }
    }

    private boolean sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
